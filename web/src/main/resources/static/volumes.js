// The volumes of one pool: format, capacity, allocation, snapshots; create, resize, delete.
import { apiPath, call, get } from './api.js';
import { ask } from './dialogs.js';
import { h, route, usageBar, bytes } from './dom.js';
import { attempt, notify } from './messages.js';

export async function volumesPage(view, { pool }) {
  const [info, volumes] = await Promise.all([get(apiPath('pools', pool)), get(apiPath('pools', pool, 'volumes'))]);
  const reload = () => view.reload();
  view.show(
    h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, 'Pools'), ' / ', pool),
    h('div', { class: 'page-head' },
      h('h1', {}, `Volumes of ${pool}`),
      h('span', { class: 'summary' }, `${info.type} pool · ${info.state} · allocated`,
        usageBar(info.allocation, info.capacity, `allocation of ${pool}`)),
      h('button', { class: 'primary', id: 'create-volume', onclick: () => createVolume(info, reload) },
        'New volume')),
    volumes.length === 0 ? h('p', { class: 'empty' }, 'No volumes in this pool yet.') : h('table',
      { class: 'list', id: 'volumes' },
      h('thead', {}, h('tr', {}, ['Name', 'Format', 'Capacity', 'Allocation', 'Snapshots', 'Current snapshot', '']
        .map(title => h('th', {}, title)))),
      h('tbody', {}, volumes.map(volume => volumeRow(pool, volume, reload)))));
}

function volumeRow(pool, volume, reload) {
  return h('tr', { dataset: { volume: volume.name } },
    h('td', {}, h('a', { href: route('pools', pool, 'volumes', volume.name), class: 'volume-link' }, volume.name)),
    h('td', {}, volume.format),
    h('td', { class: 'number' }, bytes(volume.capacity)),
    h('td', {}, usageBar(volume.allocation, volume.capacity, `allocation of ${volume.name}`)),
    h('td', { class: 'number snapshot-count' }, volume.snapshotCount),
    h('td', {}, volume.currentSnapshot || '—'),
    h('td', { class: 'actions' },
      h('button', { class: 'small', onclick: () => resizeVolume(pool, volume, reload) }, 'Resize'),
      h('button', { class: 'small danger', onclick: () => deleteVolume(pool, volume, reload) }, 'Delete')));
}

async function createVolume(pool, reload) {
  const values = await ask({
    title: `New volume in ${pool.name}`, confirm: 'Create', id: 'volume-dialog',
    text: pool.type === 'chunk' ? 'Volumes of chunk pools hold raw bytes whatever the format.' : null,
    fields: [
      { name: 'name', label: 'Name', required: true },
      { name: 'capacity', label: 'Capacity', type: 'size', value: 1024 * 2 ** 20 },
      { name: 'format', label: 'Format', type: 'select', value: 'qcow2',
        options: [{ value: 'qcow2', label: 'qcow2 (snapshots inside the image)' }, { value: 'raw', label: 'raw' }] },
    ],
  });
  if (!values) {
    return;
  }
  const created = await attempt(() => call('POST', apiPath('pools', pool.name, 'volumes'), { body: values }));
  if (created) {
    notify(`Volume ${created.name} created (${bytes(created.capacity)}).`);
    reload();
  }
}

async function resizeVolume(pool, volume, reload) {
  const values = await ask({
    title: `Resize ${volume.name}`, confirm: 'Resize', id: 'resize-dialog',
    text: `Now ${bytes(volume.capacity)}. Growing reads the new tail as zeroes.`,
    fields: [
      { name: 'capacity', label: 'New capacity', type: 'size', value: volume.capacity },
      { name: 'allowShrink', label: 'Allow shrinking (the data past the new end is lost)', type: 'checkbox' },
    ],
  });
  if (!values) {
    return;
  }
  const query = values.allowShrink ? { allowShrink: true } : undefined;
  const resized = await attempt(() => call('POST', apiPath('pools', pool, 'volumes', volume.name, 'resize'),
    { body: { capacity: values.capacity }, query }));
  if (resized) {
    notify(`Volume ${volume.name} is now ${bytes(resized.capacity)}.`);
    reload();
  }
}

async function deleteVolume(pool, volume, reload) {
  const count = volume.snapshotCount || 0;
  const values = await ask({
    title: `Delete volume ${volume.name}?`, confirm: 'Delete', danger: true, id: 'delete-volume-dialog',
    text: `Its content is lost. It has ${count} snapshot${count === 1 ? '' : 's'}; `
      + 'without the choice below a volume with snapshots is not deleted.',
    fields: [{ name: 'snapshots', type: 'checkbox', label: 'Delete its snapshots too', value: false }],
  });
  if (!values) {
    return;
  }
  const query = values.snapshots ? { snapshots: 'delete' } : undefined;
  if (await attempt(() => call('DELETE', apiPath('pools', pool, 'volumes', volume.name), { query })) !== undefined) {
    notify(`Volume ${volume.name} deleted.`);
    reload();
  }
}
