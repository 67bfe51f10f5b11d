// The REST API v1: JSON GETs, state-changing requests with the CSRF token, and the session
// rules (any 401 sends the browser to the login page, which brings it back afterwards).

const BASE = '/api/v1';
const CSRF_KEY = 'netlens.csrf';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** Thrown (and to be ignored) once the page is leaving for the login page. */
export class AuthRedirect extends Error {}

let redirecting = false;

// The CSRF token of the session (from login, or /me when it returns one). Kept in
// localStorage so that every tab of the session has it; useless without the HttpOnly cookie.
let memoryToken = '';
export function csrfToken() {
  try { return localStorage.getItem(CSRF_KEY) || memoryToken; } catch { return memoryToken; }
}

export function setCsrfToken(token) {
  memoryToken = token || '';
  try {
    if (token) localStorage.setItem(CSRF_KEY, token); else localStorage.removeItem(CSRF_KEY);
  } catch { /* storage disabled: the token lives only in this page */ }
}

/** A same-site path to come back to: only paths on this server, never another origin. */
export function safeNext(next) {
  // Browsers drop tabs and newlines from URLs ("/\t/x" would become "//x": another host).
  if (typeof next !== 'string' || !next.startsWith('/') || /[\u0000-\u0020\\]/.test(next) || next.startsWith('//')) return '/';
  return next;
}

export function loginUrl(extra = '') {
  const next = location.pathname + location.search + location.hash;
  return `login.html?next=${encodeURIComponent(safeNext(next))}${extra}`;
}

export function goToLogin(extra = '') {
  if (redirecting) return;
  redirecting = true;
  location.assign(loginUrl(extra));
}

async function parse(res) {
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return { error: text.slice(0, 200) }; }
}

/**
 * Sends a request to the API; resolves with the parsed JSON of a 2xx answer and rejects with
 * ApiError otherwise. A 401 leaves for the login page unless opts.noAuthRedirect.
 */
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'netlens does not answer (stopped, or the network is down)');
  }
  const doc = await parse(res);
  if (res.status === 401 && !opts.noAuthRedirect) {
    goToLogin();
    throw new AuthRedirect('login required');
  }
  if (res.status === 403 && !opts.noAuthRedirect && doc && /password must be changed/i.test(doc.error || '')) {
    goToLogin('&change=1');
    throw new AuthRedirect('password change required');
  }
  if (!res.ok) {
    const message = (doc && doc.error) || `HTTP ${res.status}`;
    const err = new ApiError(res.status, message, doc);
    err.retryAfter = res.headers.get('Retry-After');
    throw err;
  }
  return doc;
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body, opts) => request('POST', path, body ?? {}, opts);
export const put = (path, body, opts) => request('PUT', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The session: GET /me. Resolves to the user object, or null when this netlens has no login
 * (the route does not exist, or login is disabled). Leaves for the login page on 401.
 */
export async function session() {
  try {
    const me = await get('/me');
    if (me && me.csrf_token) setCsrfToken(me.csrf_token);
    return me && me.user ? me : null;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return null;
    throw e;
  }
}

export async function logout() {
  // From now on the page's own refreshes get 401s: they must not race the logout's navigation
  // to the "logged out" page with a redirect to the login page.
  redirecting = true;
  try {
    await post('/logout', {}, { noAuthRedirect: true });
  } catch (e) {
    redirecting = false;  // still logged in (the caller says why)
    throw e;
  } finally {
    setCsrfToken('');
  }
}
