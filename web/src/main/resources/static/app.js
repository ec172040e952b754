// The dashboard's entry: a hash router over three pages, each drawn from the REST API alone.
import { forgetToken, storedToken } from './api.js';
import { h } from './dom.js';
import { refreshJobs } from './jobs.js';
import { clearMessages, showError } from './messages.js';
import { poolsPage } from './pools.js';
import { volumePage } from './volume.js';
import { volumesPage } from './volumes.js';

const ROUTES = [
  { pattern: /^#?\/?$/, page: poolsPage, params: [] },
  { pattern: /^#\/pools\/([^/]+)\/?$/, page: volumesPage, params: ['pool'] },
  { pattern: /^#\/pools\/([^/]+)\/volumes\/([^/]+)\/?$/, page: volumePage, params: ['pool', 'volume'] },
];

let renders = 0;

async function render() {
  const main = document.getElementById('main');
  const mine = ++renders;
  const hash = location.hash || '#/';
  const match = ROUTES.map(candidate => ({ candidate, found: candidate.pattern.exec(hash) }))
    .find(({ found }) => found);
  main.setAttribute('aria-busy', 'true');
  const view = {
    // A page answered after the user moved on draws nothing.
    show: (...nodes) => {
      if (mine === renders) {
        main.replaceChildren(...nodes.flat().filter(Boolean));
      }
    },
    reload: render,
  };
  try {
    if (!match) {
      view.show(h('h1', {}, 'Not found'), h('p', {}, 'No such page. ', h('a', { href: '#/' }, 'Back to the pools.')));
      return;
    }
    const params = Object.fromEntries(match.candidate.params.map((name, i) =>
      [name, decodeURIComponent(match.found[i + 1])]));
    await match.candidate.page(view, params);
  } catch (error) {
    showError(error);
    view.show(h('h1', {}, 'Cannot show this page'), h('p', {}, h('a', { href: '#/' }, 'Back to the pools.')));
  } finally {
    if (mine === renders) {
      main.removeAttribute('aria-busy');
      tokenStatus();
      refreshJobs();
    }
  }
}

function tokenStatus() {
  const slot = document.getElementById('token-status');
  slot.replaceChildren(storedToken() ? h('button', { class: 'small secondary', id: 'forget-token', onclick: () => {
    forgetToken();
    render();
  } }, 'Forget token') : '');
}

window.addEventListener('hashchange', () => {
  clearMessages();
  render();
});
render();
