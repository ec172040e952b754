// The token prompt: shown when the API answers 401, once for every call waiting at that moment.
import { h } from './dom.js';

let pending = null;

/** Resolves to the token the user types; concurrent callers share one prompt. */
export function askForToken(reason) {
  if (!pending) {
    pending = prompt(reason).finally(() => {
      pending = null;
    });
  }
  return pending;
}

function prompt(reason) {
  return new Promise(resolve => {
    const input = h('input', { type: 'password', name: 'token', required: true, autocomplete: 'current-password',
                               id: 'token-input' });
    const form = h('form', { method: 'dialog' },
      h('h2', {}, 'Token required'),
      h('p', { class: 'dialog-text' }, 'This Cairn service requires a bearer token. It is kept for this tab only.'),
      reason ? h('p', { class: 'token-reason' }, reason) : null,
      h('label', { class: 'field' }, h('span', {}, 'Token'), input),
      h('div', { class: 'dialog-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Use token')));
    const dialog = h('dialog', { class: 'ask', id: 'token-dialog' }, form);
    form.addEventListener('submit', event => {
      event.preventDefault();
      dialog.close();
      dialog.remove();
      resolve(input.value.trim());
    });
    // Nothing works without the token, so Escape does not dismiss the prompt.
    dialog.addEventListener('cancel', event => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
