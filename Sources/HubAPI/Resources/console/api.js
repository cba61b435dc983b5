// The hub's HTTP API: tokens, requests, errors.
//
// Tokens live in sessionStorage: they survive a reload of this tab but not the tab itself, and no other tab (or
// site) reads them. A refresh token is single use and the hub ends the whole session when one is presented twice,
// so every refresh goes through one promise: two requests that meet an expired token at once must not both
// exchange it.

const STORAGE_KEY = 'silverwatch.session';
const TAB_KEY = 'silverwatch.tab';
// Refresh this long before the access token expires, so a request never leaves with a token about to lapse.
const REFRESH_MARGIN_MS = 60_000;

/** An error the API answered (`{"error": {status, code, message, field}}`), or status 0 when it could not be reached. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let copiedFromAnotherTab = false;
let session = load();
let refreshing = null;
let refreshTimer = null;
const listeners = new Set();

// A tab opened from this one (a link in a new tab, "duplicate tab") starts with a copy of its sessionStorage. Two
// tabs holding one refresh token would each exchange it, and the hub ends a session whose refresh token comes back a
// second time (replay detection): both would be signed out. So each tab marks its session with an id that it also
// keeps in window.name, which survives reloads of the tab but is not copied to a new one; a copy without the mark
// is dropped, and the new tab signs in on its own.
function load() {
  let stored = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY)) ?? null;
  } catch {
    stored = null;
  }
  const tab = sessionStorage.getItem(TAB_KEY);
  if (stored && (!tab || window.name !== `silverwatch:${tab}`)) {
    sessionStorage.removeItem(STORAGE_KEY);
    sessionStorage.removeItem(TAB_KEY);
    copiedFromAnotherTab = true;
    return null;
  }
  return stored;
}

function markTab() {
  const tab = sessionStorage.getItem(TAB_KEY);
  if (tab && window.name === `silverwatch:${tab}`) return;
  const id = crypto.getRandomValues(new Uint32Array(2)).join('-');
  sessionStorage.setItem(TAB_KEY, id);
  window.name = `silverwatch:${id}`;
}

/** Whether this tab's stored session was a copy from the tab that opened it (and so was dropped). */
export function sessionWasCopied() {
  return copiedFromAnotherTab;
}

function store(tokens) {
  markTab();
  session = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    account: tokens.account ?? session?.account,
  };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  scheduleRefresh();
}

function forget(reason) {
  const had = session !== null;
  session = null;
  sessionStorage.removeItem(STORAGE_KEY);
  clearTimeout(refreshTimer);
  if (had) for (const listener of listeners) listener(reason);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!session) return;
  const delay = Math.max(5_000, session.expiresAt - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), delay);
}

/** Called with a reason when the session ends without the person signing out (refused refresh, revoked session). */
export function onSignedOut(listener) {
  listeners.add(listener);
}

export function isSignedIn() {
  return session !== null;
}

export function currentAccount() {
  return session?.account ?? null;
}

export function setAccount(account) {
  if (!session) return;
  session.account = account;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export async function login(username, password) {
  const tokens = await send('POST', '/api/v1/auth/login', {username, password}, {auth: false});
  store(tokens);
  return tokens.account;
}

export async function logout() {
  try {
    if (session) await send('POST', '/api/v1/auth/logout', undefined, {retry: false});
  } catch {
    // Signing out locally matters more than telling the hub; the session idles out there anyway.
  } finally {
    session = null;
    sessionStorage.removeItem(STORAGE_KEY);
    clearTimeout(refreshTimer);
  }
}

/** Exchanges the refresh token, once for everyone waiting. A refusal ends the session here. */
export function refresh() {
  if (refreshing) return refreshing;
  if (!session) return Promise.reject(new ApiError(401, 'unauthenticated', 'Please sign in.'));
  const refreshToken = session.refreshToken;
  refreshing = send('POST', '/api/v1/auth/refresh', {refreshToken}, {auth: false})
    .then((tokens) => {
      store(tokens);
      return session.accessToken;
    })
    .catch((error) => {
      if (error.status === 401 || error.status === 422 || error.status === 400) forget('Your session has ended. Please sign in again.');
      // The exchange may have happened with only its answer lost: the hub takes the same token once more within 30 s
      // of it (README "Signing in"), so try again soon rather than when the access token runs out.
      else if (error.status === 0) scheduleRefresh();
      throw error;
    })
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** An access token good for at least the refresh margin, refreshing first when it is about to expire. */
export async function accessToken() {
  if (!session) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  if (refreshing) return refreshing;
  if (session.expiresAt - Date.now() < REFRESH_MARGIN_MS) return refresh();
  return session.accessToken;
}

/** The WebSocket address of `path` on this hub (`/api/v1/live`, a video room), over TLS when the page is. */
export function socketURL(path) {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

function url(path, query) {
  const target = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    target.searchParams.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return target.pathname + target.search;
}

async function send(method, path, body, {query, auth = true, retry = true, raw = false} = {}) {
  const headers = {accept: raw ? '*/*' : 'application/json'};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth) headers.authorization = `Bearer ${await accessToken()}`;
  let response;
  try {
    response = await fetch(url(path, query), {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (error) {
    throw new ApiError(0, 'unreachable', error.message || 'network error');
  }
  // The token may have been refused by a hub that restarted its clock or key: refresh once, then try again.
  if (response.status === 401 && auth && retry && session) {
    try {
      await refresh();
    } catch {
      throw new ApiError(401, 'unauthenticated', 'Your session has ended. Please sign in again.');
    }
    return send(method, path, body, {query, auth, retry: false, raw});
  }
  if (raw && response.ok) return response;
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const error = payload?.error;
    if (response.status === 401 && auth) forget('Your session has ended. Please sign in again.');
    throw new ApiError(response.status, error?.code ?? 'error', error?.message ?? `The hub answered ${response.status}.`, error?.field);
  }
  return payload;
}

export const api = {
  get: (path, query) => send('GET', path, undefined, {query}),
  post: (path, body = {}, query) => send('POST', path, body, {query}),
  put: (path, body = {}) => send('PUT', path, body),
  patch: (path, body = {}) => send('PATCH', path, body),
  delete: (path) => send('DELETE', path),
  /** Posts with no body at all (the lifecycle actions take none). */
  action: (path) => send('POST', path, undefined),
};

/**
 * A file the API makes (a report as CSV or HTML, a FHIR export) as a Blob, fetched with this session's token, which
 * a plain link could not send.
 */
export async function fetchFile(path, query) {
  const response = await send('GET', path, undefined, {query, raw: true});
  return response.blob();
}

/** Every item of a paged list, following `nextCursor`, up to `max` items. */
export async function getAll(path, query = {}, max = 2000) {
  const items = [];
  let cursor;
  do {
    const page = await api.get(path, {...query, limit: Math.min(500, max), cursor});
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

// A tab that was asleep past the refresh time catches up as soon as it wakes.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session && session.expiresAt - Date.now() < REFRESH_MARGIN_MS) refresh().catch(() => {});
});

if (session) scheduleRefresh();
