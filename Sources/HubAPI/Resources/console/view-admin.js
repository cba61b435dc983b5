// Administration: the overview with its sub-navigation, and accounts (create with role, title or patient link;
// deactivate; unlock after failed sign-ins; staff members' working hours).

import {api, getAll} from '/console/api.js';
import {h, heading, field, busy, showError, clearErrors, table, errorBox, button, flash, errorText, link} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeElement, ROLE_WORDS} from '/console/format.js';
import {state, loadPatients, patientName} from '/console/store.js';

const SECTIONS = [
  ['accounts', 'Accounts', '/admin/accounts', 'Create accounts, deactivate them, unlock after failed sign-ins.'],
  ['patients', 'Patients and care teams', '/admin/patients', 'Patient records, their care teams and alert rules.'],
  ['policy', 'Escalation policy', '/admin/policy', 'Latching, escalation delays and the longest snoozes.'],
  ['on-call', 'On-call rota', '/admin/on-call', 'Who escalations reach beyond the care team.'],
  ['audit', 'Audit log', '/admin/audit', 'Every read and change of patient data; verify the hash chain.'],
  ['operations', 'Operations report', '/admin/operations', 'Alerts by priority and by person: times to acknowledge and resolve, escalations.'],
  ['deliveries', 'Deliveries', '/admin/deliveries', 'Email and webhook deliveries of notifications; those given up first.'],
];

/** The administration sub-navigation, with the current section marked. */
export function adminNav(current) {
  return h('nav', {class: 'sub-nav', 'aria-label': 'Administration'}, h('ul', null, SECTIONS.map(([key, label, path]) =>
    h('li', null, h('a', {href: `#${path}`, 'data-test': `admin-${key}`, 'aria-current': key === current ? 'page' : null}, label)))));
}

export async function renderHome(main) {
  main.append(heading(1, 'Administration'), adminNav(null),
    h('ul', {class: 'card-grid'}, SECTIONS.map(([key, label, path, text]) => h('li', {class: 'card'},
      h('h2', null, h('a', {href: `#${path}`}, label)), h('p', null, text)))),
    h('ul', {class: 'card-grid'},
      h('li', {class: 'card'}, h('h2', null, h('a', {href: '#/devices'}, 'Devices and assignments')), h('p', null, 'Assign a device to a patient from a time, or end an assignment, on the device’s page.')),
      h('li', {class: 'card'}, h('h2', null, h('a', {href: '#/alerts'}, 'Alerts')), h('p', null, 'Every alert, physiological and technical.'))));
  const locks = h('div');
  main.append(h('section', {'aria-labelledby': 'locks-title'}, h('h2', {id: 'locks-title'}, 'Sign-in locks'), locks));
  try {
    const answer = await api.get('/api/v1/login-locks');
    locks.replaceChildren(
      table({caption: 'Accounts locked after failed sign-ins', rows: answer.accounts, empty: 'No account is locked.', columns: [
        {label: 'Username', render: (item) => item.username},
        {label: 'Failed sign-ins', render: (item) => String(item.failedLogins)},
        {label: 'Locked until', render: (item) => timeElement(item.lockedUntil)},
        {label: 'Actions', render: (item) => unlockButton(item.id, () => renderHomeAgain(main))},
      ]}),
      table({caption: 'Addresses throttled after too many attempts', rows: answer.addresses, empty: 'No address is throttled.', columns: [
        {label: 'Address', render: (item) => item.address},
        {label: 'Until', render: (item) => timeElement(item.until)},
      ]}));
  } catch (error) {
    locks.replaceChildren(errorBox(error));
  }
}

function renderHomeAgain(main) {
  main.replaceChildren();
  renderHome(main);
}

function unlockButton(id, done) {
  return button('Unlock', async (event) => {
    try {
      await busy(event.currentTarget, () => api.action(`/api/v1/accounts/${id}/unlock`));
      done();
    } catch (error) {
      flash(event.target.closest('td') ?? document.getElementById('main'), errorText(error), {kind: 'error'});
    }
  }, {class: 'button secondary small', 'data-test': 'unlock'});
}

function createForm(onCreated) {
  const username = field({label: 'Username', name: 'username', required: true, attrs: {autocomplete: 'off', maxlength: 64, spellcheck: 'false'},
    hint: 'Letters, digits and . _ @ -; 3 to 64 characters.'});
  const displayName = field({label: 'Name shown to others', name: 'displayName', required: true, attrs: {maxlength: 200}});
  const role = field({label: 'Role', name: 'role', type: 'select', options: Object.entries(ROLE_WORDS), value: 'caregiver'});
  const title = field({label: 'Title (caregivers)', name: 'title', attrs: {maxlength: 200}, hint: 'For example: Registered nurse.'});
  const patient = field({label: 'Patient record', name: 'patientId', type: 'select',
    options: [['', 'Choose…'], ...[...state.patients.values()].map((item) => [String(item.id), item.displayName])]});
  const password = field({label: 'Initial password', name: 'password', type: 'text', required: true,
    attrs: {autocomplete: 'new-password', minlength: 12, spellcheck: 'false'}, hint: 'At least 12 characters. Give it to the person; they should change it.'});
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'create-account'}, 'Create account');
  const form = h('form', {class: 'card form-grid', novalidate: true}, username.wrap, displayName.wrap, role.wrap, title.wrap, patient.wrap, password.wrap,
    h('div', {class: 'actions'}, save));
  const sync = () => {
    title.wrap.hidden = role.control.value !== 'caregiver';
    patient.wrap.hidden = role.control.value !== 'patient';
  };
  role.control.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {username: username.control.value.trim(), displayName: displayName.control.value.trim(), role: role.control.value, password: password.control.value};
    if (body.role === 'caregiver' && title.control.value.trim()) body.title = title.control.value.trim();
    if (body.role === 'patient') {
      if (!patient.control.value) return showError(form, {message: 'Choose the patient record this account is for.', field: 'patientId'});
      body.patientId = Number(patient.control.value);
    }
    try {
      const account = await busy(save, () => api.post('/api/v1/accounts', body));
      form.reset();
      sync();
      flash(form, `Account “${account.username}” created.`);
      onCreated();
    } catch (error) {
      // A taken username is a 409 without a field: it belongs next to the username.
      showError(form, error, {fallbackField: () => (error.status === 409 ? 'username' : null)});
    }
  });
  return form;
}

export async function renderAccounts(main, {account: me}) {
  if (!state.patients.size) await loadPatients().catch(() => {});
  const roleFilter = field({label: 'Show', name: 'roleFilter', type: 'select', options: [['', 'Every role'], ...Object.entries(ROLE_WORDS)]});
  const listBox = h('div');
  main.append(heading(1, 'Accounts'), adminNav('accounts'),
    h('section', {'aria-labelledby': 'new-account-title'}, h('h2', {id: 'new-account-title'}, 'New account'), createForm(() => load())),
    h('section', {'aria-labelledby': 'accounts-title'}, h('h2', {id: 'accounts-title'}, 'Accounts'), h('div', {class: 'filters'}, roleFilter.wrap), listBox));

  async function deactivate(account) {
    const done = await dialog({
      title: `Deactivate ${account.displayName}?`,
      describe: 'Their sessions end at once and they can no longer sign in. Their history stays.',
      body: h('div'), confirmLabel: 'Deactivate', danger: true,
      onConfirm: () => api.action(`/api/v1/accounts/${account.id}/deactivate`),
    });
    if (done) load();
  }

  async function load() {
    try {
      const accounts = await getAll('/api/v1/accounts', {role: roleFilter.control.value});
      const now = Date.now();
      listBox.replaceChildren(table({
        caption: 'Accounts',
        rows: accounts,
        rowAttrs: (account) => ({'data-test': 'account', 'data-account-id': account.id, 'data-username': account.username}),
        columns: [
          {label: 'Name', render: (account) => account.displayName},
          {label: 'Username', render: (account) => h('span', {class: 'mono'}, account.username)},
          {label: 'Role', render: (account) => `${ROLE_WORDS[account.role]}${account.title ? ` (${account.title})` : ''}`},
          {label: 'Patient', render: (account) => account.patientId ? link(`#/admin/patients/${account.patientId}`, patientName(account.patientId)) : '—'},
          {label: 'Status', render: (account) => h('span', {class: ['state', account.active ? 'state-ok' : 'state-bad']},
            account.active ? (account.lockedUntil && new Date(account.lockedUntil) > now ? 'Locked' : 'Active') : 'Deactivated')},
          {label: 'Failed sign-ins', render: (account) => String(account.failedLogins)},
          {label: 'Actions', render: (account) => h('div', {class: 'actions compact'},
            account.role === 'caregiver' || account.role === 'technician'
              ? link(`#/staff/${account.id}/hours`, ['Hours', h('span', {class: 'visually-hidden'}, ` of ${account.displayName}`)], {class: 'button secondary small', 'data-test': 'staff-hours'})
              : null,
            account.active && account.id !== me.id ? button('Deactivate…', () => deactivate(account), {class: 'button secondary small', 'data-test': 'deactivate'}) : null,
            account.failedLogins > 0 || account.lockedUntil ? unlockButton(account.id, load) : null)},
        ],
      }));
    } catch (error) {
      listBox.replaceChildren(errorBox(error));
    }
  }
  roleFilter.control.addEventListener('change', load);
  await load();
}
