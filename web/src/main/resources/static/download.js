// Downloads through fetch, so that the bearer token goes with them: a plain link cannot carry a header.
import { send, withQuery } from './api.js';
import { h } from './dom.js';
import { attempt, notify } from './messages.js';

/**
 * A link to an API download. Its href is the real URL (to copy, or to follow when the service has no
 * token); a click fetches it with the token instead and saves the body under `fileName`.
 */
export function downloadLink(text, path, query, fileName, accept, attrs = {}) {
  const link = h('a', { ...attrs, href: withQuery(path, query), download: fileName }, text);
  link.addEventListener('click', async event => {
    event.preventDefault();
    const response = await attempt(() => send('GET', path, { query, accept }));
    if (response) {
      save(await response.blob(), nameFrom(response) || fileName);
      notify(`Saved ${fileName}.`);
    }
  });
  return link;
}

function nameFrom(response) {
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="?([^";]+)"?/.exec(disposition);
  return match ? match[1] : null;
}

function save(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const anchor = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has started reading the blob; give it time before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
