/* global sessionStorage, fetch, URLSearchParams */
/**
 * The query API as the dashboard uses it: same origin, the analyst key as a Bearer token, JSON.
 * The key lives in sessionStorage (this tab only, gone when it closes), never in a cookie.
 */
const KEY = 'touchline.apiKey';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
  },
};

/** GET a query route; `params` with undefined or '' values are left out. */
export async function get(path, params = {}, key = session.key) {
  const query = queryOf(params);
  const url = query ? `${path}?${query}` : path;
  const response = await fetch(url, {
    headers: { Accept: 'application/json', Authorization: `Bearer ${key}` },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
    throw new ApiError(response.status, message || `${response.status} ${response.statusText}`);
  }
  return body;
}

/** The query string a view used, so that anyone (a test, a curious analyst) can repeat it. */
export function queryOf(params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  return query.toString();
}
