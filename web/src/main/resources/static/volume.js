// One volume: its snapshot tree drawn as a graph, the chosen snapshot's details and every snapshot action.
import { apiPath, call, get, send } from './api.js';
import { ask, confirmAction } from './dialogs.js';
import { downloadLink } from './download.js';
import { h, route, usageBar, when } from './dom.js';
import { followJob } from './jobs.js';
import { attempt, notify, showError } from './messages.js';
import { poolNames } from './pools.js';
import { drawTree } from './tree.js';

const PAGE = 1000;
const DELTA_TYPE = 'application/vnd.cairn.delta';

/** The snapshot chosen on each volume's page, kept while the dashboard is open. */
const chosen = new Map();

export async function volumePage(view, { pool, volume }) {
  const path = apiPath('pools', pool, 'volumes', volume);
  const [info, snapshots] = await Promise.all([get(path), allSnapshots(path)]);
  const key = `${pool}/${volume}`;
  const page = { pool, volume, path, info, snapshots, reload: () => view.reload() };
  const treeArea = h('div', { class: 'tree-area' });
  const panel = h('aside', { class: 'snapshot-panel', id: 'snapshot-panel' });

  function select(name) {
    chosen.set(key, name);
    treeArea.replaceChildren(snapshots.length === 0
      ? h('p', { class: 'empty' }, 'No snapshots yet. Take one to start the tree.')
      : drawTree(snapshots, { selected: name, onSelect: select }));
    const snapshot = snapshots.find(candidate => candidate.name === name);
    panel.replaceChildren(...(snapshot ? details(page, snapshot) : [h('p', { class: 'empty' },
      'Choose a snapshot in the tree.')]));
  }

  view.show(
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Pools'), ' / ',
      h('a', { href: route('pools', pool) }, pool), ' / ', volume),
    h('div', { class: 'page-head' },
      h('h1', {}, volume),
      h('span', { class: 'summary' },
        `${info.format} · ${info.snapshotCount} snapshot${info.snapshotCount === 1 ? '' : 's'} · allocated`,
        usageBar(info.allocation, info.capacity, `allocation of ${volume}`)),
      h('button', { class: 'primary', id: 'create-snapshot', onclick: () => createSnapshot(page) }, 'Take snapshot')),
    h('div', { class: 'volume-layout' }, h('section', { class: 'tree-panel' }, treeArea), panel));
  const remembered = chosen.get(key);
  const known = snapshots.some(snapshot => snapshot.name === remembered);
  select(known ? remembered : info.currentSnapshot || (snapshots[0] && snapshots[0].name));
}

async function allSnapshots(path) {
  const all = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await get(`${path}/snapshots`, { offset, limit: PAGE });
    all.push(...page);
    if (page.length < PAGE) {
      return all;
    }
  }
}

function details(page, snapshot) {
  const children = page.snapshots.filter(candidate => candidate.parent === snapshot.name).map(child => child.name);
  const facts = [
    ['Created', when(snapshot.createdAt)],
    ['Parent', snapshot.parent || '— (a root)'],
    ['Children', children.length ? children.join(', ') : '—'],
    ['Description', snapshot.description || '—'],
  ];
  if (snapshot.adopted) {
    facts.push(['Origin', 'adopted from storage (made outside Cairn)']);
  }
  return [
    h('h2', { class: 'snapshot-title' }, snapshot.name,
      snapshot.current ? h('span', { class: 'badge current-badge' }, 'current') : null),
    h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    h('div', { class: 'snapshot-actions' },
      h('button', { id: 'revert-snapshot', onclick: () => revert(page, snapshot) }, 'Revert to it'),
      h('button', { id: 'clone-snapshot', onclick: () => cloneSnapshot(page, snapshot) }, 'Clone…'),
      h('button', { id: 'merge-snapshot', onclick: () => merge(page, snapshot) }, 'Merge into volume'),
      h('button', { id: 'delete-snapshot', class: 'danger', onclick: () => deleteSnapshot(page, snapshot, children) },
        'Delete…')),
    deltaChooser(page, snapshot),
  ];
}

function deltaChooser(page, snapshot) {
  const bases = page.snapshots.filter(candidate => candidate.name !== snapshot.name);
  const select = h('select', { id: 'delta-from', 'aria-label': 'delta base' },
    h('option', { value: '' }, 'no base (full image)'),
    bases.map(base => h('option', { value: base.name, selected: base.name === snapshot.parent }, base.name)));
  const slot = h('span', { class: 'delta-link' });
  const link = () => {
    const from = select.value;
    const fileName = `${page.volume}-${from ? `${from}-to-` : 'full-'}${snapshot.name}.cdelta`;
    slot.replaceChildren(downloadLink('Download delta', `${page.path}/snapshots/${encodeURIComponent(snapshot.name)}/delta`,
      { from }, fileName, DELTA_TYPE, { id: 'download-delta', class: 'button-link' }));
  };
  select.addEventListener('change', link);
  link();
  return h('div', { class: 'delta' }, h('h3', {}, 'Delta'), h('label', {}, 'From ', select, ' to ', snapshot.name), slot);
}

async function createSnapshot(page) {
  const values = await ask({
    title: `Snapshot ${page.volume}`, confirm: 'Take snapshot', id: 'snapshot-dialog',
    text: page.info.currentSnapshot
      ? `Its parent will be ${page.info.currentSnapshot}, the current snapshot; the new one becomes current.`
      : 'It will be the first snapshot of this volume, and current.',
    fields: [
      { name: 'name', label: 'Name (optional)', placeholder: 'generated from the time' },
      { name: 'description', label: 'Description', type: 'textarea' },
    ],
  });
  if (!values) {
    return;
  }
  const body = {};
  if (values.name) {
    body.name = values.name;
  }
  if (values.description) {
    body.description = values.description;
  }
  const created = await attempt(() => call('POST', `${page.path}/snapshots`, { body }));
  if (created) {
    chosen.set(`${page.pool}/${page.volume}`, created.name);
    notify(`Snapshot ${created.name} taken.`);
    page.reload();
  }
}

async function revert(page, snapshot) {
  const current = page.info.currentSnapshot;
  const ok = await confirmAction(`Revert ${page.volume} to ${snapshot.name}?`,
    `The volume takes ${snapshot.name}'s content and ${snapshot.name} becomes current. What was written since `
    + `${current ? `the current snapshot (${current})` : 'then'} is lost unless you snapshot it first.`, 'Revert');
  if (ok && await attempt(() => call('POST', `${snapshotPath(page, snapshot)}/revert`))) {
    notify(`${page.volume} reverted to ${snapshot.name}.`);
    page.reload();
  }
}

async function deleteSnapshot(page, snapshot, children) {
  const values = await ask({
    title: `Delete snapshot ${snapshot.name}?`, confirm: 'Delete', danger: true, id: 'delete-snapshot-dialog',
    text: children.length ? `It has children: ${children.join(', ')}.` : 'It has no children.',
    fields: [
      { name: 'children', label: 'Its children', type: 'radio', value: 'rebase', options: [
        { value: 'rebase', label: `Rebase them onto ${snapshot.parent || 'nothing (they become roots)'}; delete only ${snapshot.name}` },
        { value: 'delete', label: `Delete ${snapshot.name} and all its descendants` },
        { value: 'only', label: `Delete only its descendants; keep ${snapshot.name}` },
      ] },
      { name: 'metadataOnly', label: 'Forget only: leave the storage untouched', type: 'checkbox' },
    ],
  });
  if (!values) {
    return;
  }
  const query = { children: values.children, metadataOnly: values.metadataOnly || undefined };
  if (await attempt(() => call('DELETE', snapshotPath(page, snapshot), { query })) !== undefined) {
    notify(`Snapshot ${snapshot.name} deleted (${values.children}).`);
    page.reload();
  }
}

async function cloneSnapshot(page, snapshot) {
  const pools = await attempt(poolNames);
  if (!pools) {
    return;
  }
  const values = await ask({
    title: `Clone ${snapshot.name}`, confirm: 'Clone', id: 'clone-dialog',
    text: `A new independent volume with ${snapshot.name}'s content.`,
    fields: [
      { name: 'name', label: 'New volume name', required: true },
      { name: 'pool', label: 'In pool', type: 'select', value: page.pool,
        options: pools.map(name => ({ value: name, label: name })) },
    ],
  });
  if (!values) {
    return;
  }
  const body = { name: values.name };
  if (values.pool !== page.pool) {
    body.pool = values.pool;
  }
  const response = await attempt(() => send('POST', `${snapshotPath(page, snapshot)}/clone`, { body }));
  if (!response) {
    return;
  }
  const answer = await response.json();
  if (response.status === 202) {
    const job = await followJob(answer, response.headers.get('Location'));
    if (job.state === 'succeeded') {
      notify(`Clone ${values.name} is ready.`);
      page.reload();
    } else if (job.problem) {
      showError({ problem: job.problem });
    }
    return;
  }
  notifyClone(answer, values.pool);
  page.reload();
}

function notifyClone(volume, pool) {
  notify(h('span', {}, 'Clone ready: ',
    h('a', { href: route('pools', volume.pool || pool, 'volumes', volume.name), id: 'clone-link' },
      `${volume.pool || pool}/${volume.name}`)));
}

async function merge(page, snapshot) {
  const ok = await confirmAction(`Merge ${snapshot.name} into ${page.volume}?`,
    `The volume takes ${snapshot.name}'s content and the snapshot ${snapshot.name} disappears.`, 'Merge', true);
  if (!ok) {
    return;
  }
  const response = await attempt(() => send('POST', `${snapshotPath(page, snapshot)}/merge`));
  if (!response) {
    return;
  }
  if (response.status === 202) {
    const job = await followJob(await response.json(), response.headers.get('Location'));
    if (job.state === 'failed' && job.problem) {
      showError({ problem: job.problem });
      return;
    }
  }
  notify(`${snapshot.name} merged into ${page.volume}.`);
  page.reload();
}

function snapshotPath(page, snapshot) {
  return `${page.path}/snapshots/${encodeURIComponent(snapshot.name)}`;
}
