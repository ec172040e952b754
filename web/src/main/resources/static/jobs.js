// Long operations: a live progress bar for a job the dashboard started, and the recent jobs panel.
import { apiPath, get } from './api.js';
import { h, bytes, route } from './dom.js';
import { showError } from './messages.js';

const POLL_MILLIS = 300;
const SHOWN = 8;

function panel() {
  return document.getElementById('jobs-panel');
}

function list() {
  return document.getElementById('jobs');
}

/**
 * Follows a job (from a 202 answer's body and Location header) until it succeeds or fails, drawing its
 * progress in the jobs panel; resolves to its final JobInfo.
 */
export async function followJob(job, location) {
  const url = location && location.startsWith('/api/') ? location : apiPath('jobs', job.id);
  let current = job;
  panel().hidden = false;
  render(current);
  while (current.state === 'queued' || current.state === 'running') {
    await new Promise(resolve => setTimeout(resolve, POLL_MILLIS));
    try {
      current = await get(url);
    } catch (error) {
      showError(error);
      return current;
    }
    render(current);
  }
  return current;
}

/** Shows the service's recent jobs; the panel stays hidden where the service has no job endpoint. */
export async function refreshJobs() {
  let jobs;
  try {
    jobs = await get(apiPath('jobs'));
  } catch (error) {
    if (error.status !== 404) {
      showError(error);
    }
    return;
  }
  jobs.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  jobs.slice(0, SHOWN).reverse().forEach(render);
  panel().hidden = list().children.length === 0;
}

function render(job) {
  const row = jobRow(job);
  const old = document.getElementById(`job-${job.id}`);
  if (old) {
    old.replaceWith(row);
  } else {
    list().prepend(row);
    [...list().children].slice(SHOWN).forEach(extra => extra.remove());
  }
}

function jobRow(job) {
  const total = job.bytesTotal || 0;
  const done = job.bytesDone || 0;
  const fraction = job.state === 'succeeded' ? 1 : total > 0 ? Math.min(1, done / total) : 0;
  const subject = [job.pool, job.volume].filter(Boolean).join('/') + (job.snapshot ? `@${job.snapshot}` : '');
  return h('li', { id: `job-${job.id}`, class: `job job-${job.state}`, dataset: { state: job.state, kind: job.kind } },
    h('div', { class: 'job-head' },
      h('span', { class: 'job-kind' }, job.kind), ' ', h('span', { class: 'job-subject' }, subject),
      job.targetVolume ? [' → ', target(job)] : null,
      h('span', { class: `state state-${job.state}` }, job.state)),
    h('div', { class: 'bar job-progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
               'aria-valuenow': Math.round(fraction * 100) },
      h('div', { class: `fill ${job.state === 'failed' ? 'full' : 'ok'}`, style: `width: ${(fraction * 100).toFixed(1)}%` })),
    h('div', { class: 'job-figures' }, total > 0 ? `${bytes(done)} / ${bytes(total)}` : ''),
    job.state === 'failed' && job.problem ? h('div', { class: 'job-problem' },
      h('strong', {}, job.problem.title || 'Failed'), job.problem.code ? [' ', h('code', {}, job.problem.code)] : null,
      job.problem.detail ? h('div', {}, job.problem.detail) : null) : null);
}

function target(job) {
  const pool = job.targetPool || job.pool;
  const text = `${pool}/${job.targetVolume}`;
  return job.state === 'succeeded' ? h('a', { href: route('pools', pool, 'volumes', job.targetVolume),
                                              class: 'job-target' }, text) : text;
}
