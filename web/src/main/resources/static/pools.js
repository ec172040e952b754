// The pools page: every pool with its type, state and usage; define, start, stop, refresh, undefine.
import { apiPath, call, get } from './api.js';
import { ask } from './dialogs.js';
import { h, route, usageBar, bytes } from './dom.js';
import { attempt, notify } from './messages.js';

export async function poolsPage(view) {
  const pools = await get(apiPath('pools'));
  const reload = () => view.reload();
  view.show(
    h('div', { class: 'page-head' },
      h('h1', {}, 'Storage pools'),
      h('button', { class: 'primary', id: 'create-pool', onclick: () => createPool(reload) }, 'New pool')),
    pools.length === 0 ? h('p', { class: 'empty' }, 'No pools yet.') : h('table', { class: 'list', id: 'pools' },
      h('thead', {}, h('tr', {}, ['Name', 'Type', 'State', 'Volumes', 'Allocation', 'Available', 'Path', '']
        .map(title => h('th', {}, title)))),
      h('tbody', {}, pools.map(pool => poolRow(pool, reload)))));
}

function poolRow(pool, reload) {
  const running = pool.state === 'running';
  return h('tr', { dataset: { pool: pool.name } },
    h('td', {}, h('a', { href: route('pools', pool.name), class: 'pool-link' }, pool.name)),
    h('td', {}, pool.type),
    h('td', {}, h('span', { class: `state state-${pool.state}` }, pool.state)),
    h('td', { class: 'number' }, pool.volumeCount ?? '—'),
    h('td', {}, usageBar(pool.allocation, pool.capacity, `allocation of ${pool.name}`)),
    h('td', { class: 'number' }, bytes(pool.available)),
    h('td', { class: 'path', title: pool.path }, pool.path),
    h('td', { class: 'actions' },
      running
        ? h('button', { class: 'small', onclick: () => lifecycle(pool, 'stop', reload) }, 'Stop')
        : h('button', { class: 'small', onclick: () => lifecycle(pool, 'start', reload) }, 'Start'),
      h('button', { class: 'small', disabled: !running, onclick: () => refresh(pool, reload) }, 'Refresh'),
      h('button', { class: 'small danger', onclick: () => deletePool(pool, reload) }, 'Delete')));
}

async function createPool(reload) {
  const values = await ask({
    title: 'New pool', confirm: 'Create', id: 'pool-dialog',
    fields: [
      { name: 'name', label: 'Name', required: true },
      { name: 'type', label: 'Type', type: 'select', value: 'dir',
        options: [{ value: 'dir', label: 'dir — a directory of image files' },
                  { value: 'chunk', label: 'chunk — one copy-on-write chunk store' }] },
      { name: 'path', label: 'Path on the server', required: true, placeholder: '/srv/cairn/pool' },
      { name: 'capacity', label: 'Capacity (chunk pools; 0: the file system\'s free space)', type: 'size', value: 0 },
    ],
  });
  if (!values) {
    return;
  }
  const body = { name: values.name, type: values.type, path: values.path };
  if (values.type === 'chunk' && values.capacity > 0) {
    body.capacity = values.capacity;
  }
  if (await attempt(() => call('POST', apiPath('pools'), { body }))) {
    notify(`Pool ${values.name} created.`);
    reload();
  }
}

async function lifecycle(pool, action, reload) {
  if (await attempt(() => call('POST', apiPath('pools', pool.name, action)))) {
    reload();
  }
}

async function refresh(pool, reload) {
  const report = await attempt(() => call('POST', apiPath('pools', pool.name, 'refresh')));
  if (report) {
    const adopted = report.adopted.length + report.adoptedSnapshots.length;
    notify(`Pool ${pool.name} refreshed: ${adopted} adopted, ${report.vanished.length} vanished.`);
    reload();
  }
}

async function deletePool(pool, reload) {
  const values = await ask({
    title: `Delete pool ${pool.name}?`, confirm: 'Delete', danger: true, id: 'delete-pool-dialog',
    text: 'The pool is undefined. Without purge this is refused while it holds volumes.',
    fields: [{ name: 'purge', type: 'checkbox', label: 'Purge: delete its volumes and its storage too' }],
  });
  if (!values) {
    return;
  }
  const query = values.purge ? { purge: true } : undefined;
  if (await attempt(() => call('DELETE', apiPath('pools', pool.name), { query })) !== undefined) {
    notify(`Pool ${pool.name} deleted.`);
    reload();
  }
}

/** The pools, for choosing a target pool in other pages' dialogs. */
export function poolNames() {
  return get(apiPath('pools')).then(pools => pools.map(pool => pool.name));
}
