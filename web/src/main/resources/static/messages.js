// The message area under the header: problems from the API in words, and short notices.
import { h } from './dom.js';

function area() {
  return document.getElementById('messages');
}

/** Shows a failure: an ApiError as its problem's title, code and detail; anything else as its message. */
export function showError(error) {
  const problem = error && error.problem ? error.problem
    : { title: 'Something went wrong', detail: error && error.message ? error.message : String(error) };
  const heading = [problem.title || 'Error', problem.status ? `(${problem.status})` : null].filter(Boolean).join(' ');
  show('problem', h('div', { class: 'message-body' },
    h('strong', { class: 'problem-title' }, heading),
    problem.code ? h('code', { class: 'problem-code' }, problem.code) : null,
    problem.detail ? h('p', { class: 'problem-detail' }, problem.detail) : null));
}

/** Shows a short confirmation that something was done. */
export function notify(text) {
  show('notice', h('div', { class: 'message-body' }, text));
}

export function clearMessages() {
  area().replaceChildren();
}

function show(kind, body) {
  const box = h('div', { class: `message ${kind}`, role: kind === 'problem' ? 'alert' : 'status' }, body,
    h('button', { class: 'dismiss', type: 'button', 'aria-label': 'Dismiss', onclick: () => box.remove() }, '×'));
  if (kind === 'notice') {
    // A success makes what came before stale: earlier problems and confirmations go.
    clearMessages();
  }
  area().prepend(box);
  [...area().children].slice(4).forEach(old => old.remove());
  if (kind === 'notice') {
    setTimeout(() => box.remove(), 6000);
  }
}

/** Runs an action, showing its failure instead of throwing; resolves to its result or undefined. */
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}
