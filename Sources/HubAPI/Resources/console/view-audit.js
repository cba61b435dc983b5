// The audit log (admins): every read and change of patient data and every account change, filtered by who, which
// patient, which action and when; and a check of the hash chain that makes edits, removals and insertions visible.

import {api, getAll} from '/console/api.js';
import {h, heading, field, busy, table, errorBox, button, showError, clearErrors} from '/console/dom.js';
import {replaceQuery} from '/console/router.js';
import {timeElement, ROLE_WORDS} from '/console/format.js';
import {state, patientName} from '/console/store.js';
import {adminNav} from '/console/view-admin.js';

function localInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

export async function render(main, {query}) {
  let accounts = [];
  try {
    accounts = await getAll('/api/v1/accounts');
  } catch {
    // The filter then takes no names; the log itself still shows the actor's number.
  }
  const names = new Map(accounts.map((account) => [account.id, account]));
  const actor = field({label: 'Who', name: 'actorId', type: 'select', value: query.actorId ?? '',
    options: [['', 'Anyone'], ...accounts.map((account) => [String(account.id), `${account.displayName} (${account.username})`])]});
  const patient = field({label: 'Patient', name: 'patientId', type: 'select', value: query.patientId ?? '',
    options: [['', 'Any patient'], ...[...state.patients.values()].map((item) => [String(item.id), item.displayName])]});
  const action = field({label: 'Action', name: 'action', value: query.action ?? '', attrs: {list: 'audit-actions', spellcheck: 'false'}, hint: 'For example patient.read, alert.acknowledge, account.create.'});
  const from = field({label: 'From', name: 'from', type: 'datetime-local', value: localInput(query.from)});
  const to = field({label: 'To', name: 'to', type: 'datetime-local', value: localInput(query.to)});
  const apply = h('button', {type: 'submit', class: 'button primary', 'data-test': 'audit-filter'}, 'Show');
  const form = h('form', {class: 'filters card', novalidate: true, 'aria-label': 'Filter the audit log'}, actor.wrap, patient.wrap, action.wrap, from.wrap, to.wrap,
    h('datalist', {id: 'audit-actions'}, ['patient.read', 'patient.list', 'patient.change', 'careTeam.read', 'careTeam.change', 'account.create', 'account.deactivate',
      'live.subscribe', 'video.join', 'alert.acknowledge', 'alert.resolve'].map((value) => h('option', {value}))),
    h('div', {class: 'actions'}, apply));
  const verifyResult = h('p', {role: 'status', 'data-test': 'audit-verification'});
  const verify = button('Verify the chain', async (event) => {
    verifyResult.textContent = 'Checking every entry…';
    verifyResult.className = '';
    try {
      const answer = await busy(event.currentTarget, () => api.get('/api/v1/audit/verification'));
      verifyResult.className = answer.intact ? 'flash ok' : 'form-error';
      verifyResult.textContent = answer.intact
        ? `The chain is intact: ${answer.entriesChecked} entries checked.`
        : `The chain is broken at entry ${answer.firstBrokenId}: an entry was edited, removed or inserted there (${answer.entriesChecked} checked).`;
    } catch (error) {
      verifyResult.className = 'form-error';
      verifyResult.textContent = error.message;
    }
  }, {class: 'button secondary', 'data-test': 'verify-audit'});
  const listBox = h('div');
  const more = h('div');
  main.append(heading(1, 'Audit log'), adminNav('audit'), h('div', {class: 'actions'}, verify), verifyResult, form, listBox, more);

  let entries = [];
  let cursor = null;
  const columns = [
    {label: 'When', render: (entry) => timeElement(entry.at, {absoluteOnly: true})},
    {label: 'Who', render: (entry) => entry.actorId ? `${names.get(entry.actorId)?.displayName ?? `Account ${entry.actorId}`}${entry.actorRole ? ` (${ROLE_WORDS[entry.actorRole]})` : ''}` : '—'},
    {label: 'Action', render: (entry) => h('span', {class: 'mono'}, entry.action)},
    {label: 'Patient', render: (entry) => entry.patientId ? patientName(entry.patientId) : '—'},
    {label: 'Request', render: (entry) => h('span', {class: 'mono wrap'}, entry.resource)},
    {label: 'Address', render: (entry) => entry.address ?? '—'},
    {label: 'Entry', render: (entry) => h('span', {class: 'mono', title: entry.hash}, `#${entry.id}`)},
  ];

  function filters() {
    return {
      actorId: actor.control.value, patientId: patient.control.value, action: action.control.value.trim(),
      from: from.control.value ? new Date(from.control.value).toISOString() : '', to: to.control.value ? new Date(to.control.value).toISOString() : '',
    };
  }

  async function load(append = false) {
    try {
      const page = await api.get('/api/v1/audit', {...filters(), limit: 100, cursor: append ? cursor : undefined});
      entries = append ? [...entries, ...page.items] : page.items;
      cursor = page.nextCursor ?? null;
      listBox.replaceChildren(table({caption: 'Audit entries, newest first', columns, rows: entries, empty: 'No entries match.',
        rowAttrs: (entry) => ({'data-test': 'audit-entry', 'data-entry-id': entry.id})}));
      more.replaceChildren(cursor ? button('Load more', (event) => busy(event.currentTarget, () => load(true)), {class: 'button secondary'}) : '');
    } catch (error) {
      showError(form, error);
      listBox.replaceChildren(errorBox(error));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    replaceQuery(filters());
    busy(apply, () => load());
  });
  await load();
}
