// Small DOM builders and formatters. Text always goes in as text nodes, never as markup.

/**
 * An element: h('a', {href: '#/', class: 'x', onclick: fn, dataset: {name: 'A'}}, 'text', child).
 * Attributes that are null, undefined or false are left out; true gives an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
}

function build(element, attrs, children) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB", 67108864 -> "64 MiB". */
export function bytes(count) {
  if (count === null || count === undefined) {
    return '—';
  }
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}

/** A size field's choice of units, as multipliers of a byte. */
export const SIZE_UNITS = { MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** An ISO date as the reader's local date and time. */
export function when(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A bar showing `used` of `total`, with the figures as text beside it. */
export function usageBar(used, total, label) {
  const fraction = total > 0 ? Math.min(1, used / total) : 0;
  const level = fraction > 0.9 ? 'full' : fraction > 0.75 ? 'high' : 'ok';
  return h('div', { class: 'usage', title: `${bytes(used)} of ${bytes(total)}` },
    h('div', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': used,
               'aria-label': label },
      h('div', { class: `fill ${level}`, style: `width: ${(fraction * 100).toFixed(1)}%` })),
    h('span', { class: 'figures' }, `${bytes(used)} / ${bytes(total)}`));
}

/** `#/pools/{pool}/volumes/{vol}` and the like, every name encoded. */
export function route(...segments) {
  return '#/' + segments.map(encodeURIComponent).join('/');
}
