// The dashboard's only way to the service: the public REST API under /api/v1, with the bearer token
// when the service asks for one, and problem+json answers turned into ApiError.
import { askForToken } from './token.js';

const TOKEN_KEY = 'cairn.token';

/** A refused or failed call, carrying the service's problem document (RFC 9457). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** `/api/v1/pools/{a}/volumes/{b}` from ['pools', a, 'volumes', b]: every name is encoded. */
export function apiPath(...segments) {
  return '/api/v1/' + segments.map(encodeURIComponent).join('/');
}

/**
 * Sends one request; on 401 asks the user for the token (once for all calls waiting on it) and sends
 * the request again with it. Resolves to the Response of any 2xx answer, rejects with ApiError.
 */
export async function send(method, path, { body, query, accept = 'application/json' } = {}) {
  const url = withQuery(path, query);
  for (;;) {
    const headers = { Accept: `${accept}, application/problem+json` };
    const token = storedToken();
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (unreachable) {
      throw new ApiError(0, { title: 'Service unreachable', detail: `${method} ${url}: ${unreachable.message}` });
    }
    if (response.status === 401) {
      await response.body?.cancel();
      const given = await askForToken(token ? 'The service refused this token.' : null);
      sessionStorage.setItem(TOKEN_KEY, given);
      continue;
    }
    if (!response.ok) {
      throw new ApiError(response.status, await problemOf(response));
    }
    return response;
  }
}

/** The JSON body of a successful call, or null when it has none (204). */
export async function call(method, path, options) {
  const response = await send(method, path, options);
  return response.status === 204 ? null : response.json();
}

export const get = (path, query) => call('GET', path, { query });

/** `path?key=value&…`, leaving out keys whose value is empty. */
export function withQuery(path, query) {
  if (!query) {
    return path;
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function problemOf(response) {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      return parsed;
    }
  } catch (notJson) {
    // An answer from something other than Cairn (a proxy's error page): keep its first words below.
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status,
           detail: text.slice(0, 200) };
}
