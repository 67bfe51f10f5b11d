// Login page: log in, then (when required or asked for) change the password, then go back to
// the page that sent us here (?next=). ?change=1 opens the change-password form directly.
import * as api from './api.js';

const params = new URLSearchParams(location.search);
// The server's redirect keeps the page's #fragment on this page: take it along.
let next = api.safeNext(params.get('next') || '/');
if (!next.includes('#') && location.hash.length > 1) next += location.hash;
const $ = (id) => document.getElementById(id);

function message(id, text, kind = 'error') {
  const el = $(id);
  el.textContent = text;
  el.className = `msg ${kind}`;
  el.hidden = !text;
}

function show(section) {
  $('login-section').hidden = section !== 'login';
  $('change-section').hidden = section !== 'change';
  const first = section === 'login' ? $('login-user') : $('change-old');
  first.focus();
}

function done() {
  location.replace(next);
}

function showChange(me, forced) {
  $('change-username').value = me.user || '';
  $('change-cancel').hidden = forced;
  $('change-cancel').href = next;
  if (forced) message('change-msg', 'You must choose a new password before going on.', 'info');
  show('change');
}

async function start() {
  if (params.get('logged_out')) message('login-msg', 'You are logged out.', 'info');
  let me = null;
  try {
    me = await api.get('/me', { noAuthRedirect: true });
  } catch (e) {
    if (e instanceof api.ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) {
      // This netlens has no login: nothing to do here.
      message('login-msg', 'This netlens does not require logging in.', 'info');
      show('login');
      setTimeout(done, 1200);
      return;
    }
    // 401: not logged in.
  }
  if (me && me.user) {
    if (me.csrf_token) api.setCsrfToken(me.csrf_token);
    if (me.must_change_password || params.get('change')) { showChange(me, !!me.must_change_password); return; }
    done();
    return;
  }
  show('login');
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const button = form.querySelector('button');
  button.disabled = true;
  message('login-msg', '');
  try {
    const me = await api.post('/login', { user: form.user.value.trim(), password: form.password.value }, { noAuthRedirect: true });
    api.setCsrfToken(me.csrf_token);
    form.password.value = '';
    if (me.must_change_password) showChange(me, true);
    else done();
  } catch (e) {
    form.password.value = '';
    if (e.status === 401) message('login-msg', 'Wrong user name or password.');
    else if (e.status === 429) message('login-msg', `Too many attempts: wait ${e.retryAfter ? `${e.retryAfter} seconds` : 'a while'} before trying again.`);
    else message('login-msg', e.message || 'Login failed.');
    form.password.focus();
  } finally {
    button.disabled = false;
  }
});

$('change-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  if (form.new.value !== form.again.value) {
    message('change-msg', 'The two new passwords differ.');
    form.again.focus();
    return;
  }
  if (form.new.value === form.old.value) {
    message('change-msg', 'The new password must differ from the current one.');
    form.new.focus();
    return;
  }
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const r = await api.post('/me/password', { old: form.old.value, new: form.new.value }, { noAuthRedirect: true });
    if (r && r.csrf_token) api.setCsrfToken(r.csrf_token);   // the session continues under a new id
    message('change-msg', 'Password changed.', 'info');
    setTimeout(done, 600);
  } catch (e) {
    if (e.status === 401) {
      // Either the session ended or the current password is wrong.
      const me = await api.get('/me', { noAuthRedirect: true }).catch(() => null);
      if (!me) { message('login-msg', 'Your session ended: log in again.'); show('login'); return; }
      message('change-msg', 'The current password is wrong.');
    } else if (e.status === 403 && /csrf/i.test(e.message)) {
      message('change-msg', 'Refused: this page is stale. Log in again.');
    } else if (e.status === 403) {
      message('change-msg', 'The current password is wrong.');
    } else {
      message('change-msg', e.message || 'The password was not changed.');
    }
  } finally {
    button.disabled = false;
    form.old.value = '';
  }
});

start();
