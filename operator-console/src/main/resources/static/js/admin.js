// The administrators' page: users with filters and their last sign-in, a new user, editing, disabling and
// password resets. It shows accounts only, never anything of callers or victims; a one-time password is shown
// once, when the server hands it over.
'use strict';

const $ = (id) => document.getElementById(id);
const Admin = { options: null, selected: null };

async function init() {
  if (!await App.start()) return;
  Admin.options = (await App.api('GET', '/api/admin/options')).body;
  for (const r of Admin.options.roles) $('filter-role').append(App.el('option', { value: r.id }, r.name));
  $('new-fields').replaceChildren(...userFields('new', {}));
  $('create').onsubmit = (e) => { e.preventDefault(); createUser(); };
  $('apply').onclick = (e) => { e.preventDefault(); loadUsers(); };
  $('edit-form').onsubmit = (e) => { e.preventDefault(); saveUser(); };
  $('toggle-enabled').onclick = toggleEnabled;
  $('reset-password').onclick = resetPassword;
  $('reset-factors').onclick = resetFactors;
  $('secret-done').onclick = () => { $('secret-password').textContent = ''; $('secret').hidden = true; };
  loadUsers();
}

function roleName(id) {
  const r = Admin.options.roles.find((x) => x.id === id);
  return r ? r.name : id;
}

// Display name, role (with the agency of a liaison), languages, phone: the same fields for a new user and an edit.
function userFields(prefix, user) {
  const field = (name, label, input, hint) => [
    App.el('label', { for: prefix + '-' + name }, label), input,
    hint ? App.el('div', { class: 'muted' }, hint) : null,
    App.el('div', { class: 'field-status', id: prefix + '-' + name + '-status' })].filter(Boolean);
  const role = App.el('select', { id: prefix + '-role', required: true },
    App.el('option', { value: '' }, 'choose…'),
    ...Admin.options.roles.map((r) => App.el('option', { value: r.id, selected: r.id === user.role }, r.name)));
  const agency = App.el('select', { id: prefix + '-agency' }, App.el('option', { value: '' }, 'choose…'),
    ...Admin.options.agencies.map((a) => App.el('option', { value: a.id, selected: a.id === user.agency }, a.name)));
  const agencyRow = App.el('div', { id: prefix + '-agency-row', hidden: user.role !== 'LIAISON' },
    ...field('agency', 'Agency (from the directory)', agency));
  role.onchange = () => { agencyRow.hidden = role.value !== 'LIAISON'; };
  const languages = App.el('fieldset', { class: 'codes', id: prefix + '-languages' },
    App.el('legend', {}, 'Languages spoken on calls'),
    ...Admin.options.languages.map((l) => App.el('label', {}, App.el('input', { type: 'checkbox', value: l,
      checked: (user.languages || []).includes(l) }), ' ' + App.language(l))));
  return [
    ...field('displayName', 'Name shown to colleagues', App.el('input', { type: 'text', id: prefix + '-displayName',
      maxlength: 120, required: true, value: user.displayName || '' })),
    ...field('role', 'Role', role),
    agencyRow,
    languages,
    App.el('div', { class: 'field-status', id: prefix + '-languages-status' }),
    ...field('endpoint', 'Phone (optional)', App.el('input', { type: 'text', id: prefix + '-endpoint',
      value: user.endpoint || '' }), 'PJSIP/201 for an Asterisk phone, client:name for a Twilio browser phone; '
      + 'empty for none'),
  ];
}

function formValues(prefix) {
  return {
    displayName: $(prefix + '-displayName').value,
    role: $(prefix + '-role').value,
    agency: $(prefix + '-role').value === 'LIAISON' ? $(prefix + '-agency').value : null,
    languages: [...$(prefix + '-languages').querySelectorAll('input:checked')].map((i) => i.value),
    endpoint: $(prefix + '-endpoint').value,
  };
}

// The server names each field it refused; the message goes next to that field.
function showProblems(prefix, r, status) {
  document.querySelectorAll('[id^="' + prefix + '-"][id$="-status"]').forEach((el) => {
    el.textContent = ''; el.classList.remove('error');
  });
  const fields = (r.body && r.body.fields) || {};
  for (const [f, problem] of Object.entries(fields)) {
    const el = $(prefix + '-' + f + '-status');
    if (el) { el.textContent = problem; el.classList.add('error'); }
  }
  status.textContent = r.ok ? '' : (r.body && r.body.message) || 'not saved';
  status.className = 'field-status' + (r.ok ? ' saved' : ' error');
}

function showSecret(title, password) {
  $('secret-title').textContent = title;
  $('secret-password').textContent = password;
  $('secret').hidden = false;
  $('secret').scrollIntoView();
}

async function createUser() {
  const body = Object.assign({ username: $('new-username').value.trim() }, formValues('new'));
  const r = await App.api('POST', '/api/admin/users', body);
  showProblems('new', r, $('create-status'));
  if (!r.ok) return;
  $('create-status').textContent = 'created';
  showSecret('One-time password for ' + r.body.user.displayName + ' (' + r.body.user.username + ')',
    r.body.oneTimePassword);
  $('create').reset();
  $('new-fields').replaceChildren(...userFields('new', {}));
  await loadUsers();
  select(r.body.user);
}

async function loadUsers() {
  const q = new URLSearchParams();
  if ($('filter-role').value) q.set('role', $('filter-role').value);
  if ($('filter-enabled').value) q.set('enabled', $('filter-enabled').value);
  if ($('filter-text').value.trim()) q.set('text', $('filter-text').value.trim());
  const r = await App.api('GET', '/api/admin/users?' + q);
  if (!r.ok) return;
  $('users').replaceChildren(...(r.body.length ? r.body.map((u) => App.el('tr', { class: 'clickable',
    id: 'user-' + u.username, tabindex: 0, onclick: () => select(u),
    onkeydown: (e) => { if (e.key === 'Enter') select(u); } },
  App.el('td', {}, u.displayName), App.el('td', {}, u.username),
  App.el('td', {}, u.roleName + (u.agencyName ? ' · ' + u.agencyName : '')),
  App.el('td', { class: u.enabled ? 'badge-ok' : 'badge-off' }, u.enabled
    ? (u.mustChangePassword ? 'Enabled · one-time password' : 'Enabled') : 'Disabled'),
  App.el('td', {}, u.lastSignInAt ? App.time(u.lastSignInAt) : 'Never')))
    : [App.el('tr', {}, App.el('td', { colspan: 5, class: 'muted' }, 'No user matches'))]));
}

function select(user) {
  Admin.selected = user;
  $('edit').hidden = false;
  $('edit-title').textContent = user.displayName + ' (' + user.username + ')';
  $('edit-fields').replaceChildren(...userFields('edit', user));
  $('edit-status').textContent = '';
  $('toggle-enabled').textContent = user.enabled ? 'Disable' : 'Enable';
  $('toggle-enabled').className = user.enabled ? 'danger' : '';
  const self = user.username === App.me.username;
  $('toggle-enabled').disabled = self;
  $('reset-password').disabled = self;
  $('reset-factors').disabled = self;
  $('edit-role').disabled = self;
  $('edit').scrollIntoView();
}

async function saveUser() {
  const r = await App.api('PUT', '/api/admin/users/' + Admin.selected.id, formValues('edit'));
  showProblems('edit', r, $('edit-status'));
  if (!r.ok) return;
  $('edit-status').textContent = 'Saved';
  Admin.selected = r.body;
  loadUsers();
}

async function toggleEnabled() {
  const u = Admin.selected;
  if (u.enabled && !await App.confirm('Disable ' + u.displayName + '?', 'They are signed out at once, everywhere. '
    + 'What they did keeps their name.', 'Disable', true)) return;
  const r = await App.api('POST', '/api/admin/users/' + u.id + (u.enabled ? '/disable' : '/enable'));
  if (!r.ok) { $('edit-status').textContent = r.body.message; $('edit-status').className = 'field-status error'; return; }
  select(r.body);
  loadUsers();
}

async function resetPassword() {
  const u = Admin.selected;
  if (!await App.confirm('Give ' + u.displayName + ' a new one-time password?', 'They are signed out at once and '
    + 'choose their own password at their next sign-in.', 'Give a new password', true)) return;
  const r = await App.api('POST', '/api/admin/users/' + u.id + '/password-reset');
  if (!r.ok) { $('edit-status').textContent = r.body.message; $('edit-status').className = 'field-status error'; return; }
  showSecret('New one-time password for ' + u.displayName + ' (' + u.username + ')', r.body.oneTimePassword);
  loadUsers();
}

// A lost phone or security key: the user's passkeys, authenticator app and recovery codes go, and they set up a
// second factor again at their next sign-in.
async function resetFactors() {
  const u = Admin.selected;
  if (!await App.confirm('Reset the second factor of ' + u.displayName + '?', 'Their passkeys, authenticator app '
    + 'and recovery codes are removed. They are signed out at once and set up a second factor at their next sign-in.',
  'Reset second factor', true)) return;
  const r = await App.api('POST', '/api/admin/users/' + encodeURIComponent(u.username) + '/factors/reset');
  $('edit-status').textContent = r.ok ? 'Second factor reset: they set up a new one at their next sign-in'
    : r.body.message;
  $('edit-status').className = 'field-status ' + (r.ok ? 'saved' : 'error');
}

init();
