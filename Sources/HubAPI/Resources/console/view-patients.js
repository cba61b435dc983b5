// "My patients at a glance" (caregivers; every patient for admins): the open alerts first, then each patient's
// latest vitals and NEWS2, kept current by the live socket.

import {getAll} from '/console/api.js';
import {h, heading, reconcile, tableRow, batched} from '/console/dom.js';
import {live} from '/console/live.js';
import {formatReading, news2Badge, priorityBadge, timeElement, PRIORITY_RANK} from '/console/format.js';
import {alertCard, compareAlerts, isOpen} from '/console/alerts-ui.js';
import {alertFeed, feedNote} from '/console/alert-feed.js';
import {state} from '/console/store.js';

/** The vitals shown in the overview, with how to find each in a patient's latest readings. */
const COLUMNS = [
  {label: 'SpO2', kinds: ['spo2']},
  {label: 'Heart rate', kinds: ['heart-rate', 'pulse-rate']},
  {label: 'Breathing', kinds: ['respiratory-rate']},
  {label: 'Temperature', kinds: ['body-temperature']},
];

export function latestOf(vitals, kinds) {
  for (const kind of kinds) {
    const reading = vitals.find((candidate) => candidate.kind === kind);
    if (reading) return reading;
  }
  return null;
}

/** A reading's value with its unit and age, or a dash. */
export function readingCell(reading) {
  if (!reading) return h('span', {class: 'muted'}, '—');
  return h('span', {class: 'reading', 'data-test': 'vital', 'data-kind': reading.kind},
    h('span', {class: 'value'}, formatReading(reading.kind, reading.value, reading.unitSymbol)),
    h('small', null, timeElement(reading.measuredAt, {relativeOnly: true})));
}

export function bloodPressureCell(vitals) {
  const systolic = vitals.find((reading) => reading.kind === 'systolic-bp');
  const diastolic = vitals.find((reading) => reading.kind === 'diastolic-bp');
  if (!systolic) return h('span', {class: 'muted'}, '—');
  return h('span', {class: 'reading', 'data-test': 'vital', 'data-kind': 'systolic-bp'},
    h('span', {class: 'value'}, `${Math.round(systolic.value)}/${diastolic ? Math.round(diastolic.value) : '—'} ${systolic.unitSymbol}`),
    h('small', null, timeElement(systolic.measuredAt, {relativeOnly: true})));
}

export function render(main, {account}) {
  const title = heading(1, account.role === 'admin' ? 'Patients' : 'My patients');
  const alertList = h('div', {class: 'alert-list', 'data-test': 'open-alerts'});
  const tableBody = h('tbody');
  const tableBox = h('div', {class: 'table-wrap'});
  // The patients the hub pushes for (the socket's last `ready`): one taken off the care team leaves the overview
  // rather than keep showing readings that no longer come.
  let visible = live.lastReady ? new Set(live.lastReady.patients ?? []) : null;
  const shows = (patientId) => !visible || patientId === undefined || patientId === null || visible.has(patientId);
  const draw = batched(() => {
    drawAlerts();
    drawPatients();
  });

  const feed = alertFeed({query: () => ({state: 'open'}), keep: (alert) => isOpen(alert) && shows(alert.patientId), onChange: draw});
  const alertNote = feedNote(feed, {empty: 'No open alerts.'});
  // Vitals load on their own: a failure to read them must not hide the alerts, nor the other way round.
  const vitals = {state: 'loading', error: null, reload: loadVitals};
  const vitalsNote = feedNote(vitals, {empty: account.role === 'admin' ? 'No patients yet.' : 'No patients on your care teams.', loading: 'Loading the latest vitals…'});
  const patients = new Map();
  let held = null;
  let sequence = 0;

  main.append(title,
    h('section', {'aria-labelledby': 'open-alerts-title'}, h('h2', {id: 'open-alerts-title'}, 'Open alerts'), alertNote.element, alertList),
    h('section', {'aria-labelledby': 'patients-title'}, h('h2', {id: 'patients-title'}, 'Latest vitals'), vitalsNote.element, tableBox));

  const columns = [
    {label: 'Patient', render: (entry) => h('a', {href: `#/patients/${entry.patientId}`}, entry.displayName)},
    {label: 'NEWS2', render: (entry) => h('span', {'data-test': 'news2'}, news2Badge(entry.news2))},
    ...COLUMNS.map((column) => ({label: column.label, render: (entry) => readingCell(latestOf(entry.vitals, column.kinds))})),
    {label: 'Blood pressure', render: (entry) => bloodPressureCell(entry.vitals)},
    {label: 'Open alerts', render: (entry) => alertSummary(entry.patientId)},
  ];
  const tableElement = h('table', {class: 'stack patients-table'},
    h('caption', {class: 'visually-hidden'}, 'Patients with their latest vitals, NEWS2 and open alerts; those with urgent alerts first'),
    h('thead', null, h('tr', null, columns.map((column) => h('th', {scope: 'col'}, column.label)))), tableBody);

  function patientAlerts(patientId) {
    return [...feed.alerts.values()].filter((alert) => alert.patientId === patientId && isOpen(alert));
  }

  function alertSummary(patientId) {
    const open = patientAlerts(patientId);
    // "None" only once the alerts were read; until then (or after a failure) it is not known.
    if (!open.length) return h('span', {class: 'muted'}, feed.state === 'ready' ? 'None' : '—');
    const top = open.reduce((best, alert) => (PRIORITY_RANK[alert.priority] > PRIORITY_RANK[best.priority] ? alert : best));
    return h('span', {class: 'alert-count'}, priorityBadge(top.priority), ` ${open.length} open`);
  }

  function urgency(entry) {
    const open = patientAlerts(entry.patientId);
    const top = Math.max(0, ...open.map((alert) => PRIORITY_RANK[alert.priority]));
    return top * 100 + (entry.news2?.total ?? entry.news2?.partialTotal ?? 0);
  }

  function drawPatients() {
    vitalsNote.update(patients.size);
    if (!patients.size) {
      tableBox.replaceChildren();
      return;
    }
    if (!tableBox.contains(tableElement)) tableBox.replaceChildren(tableElement);
    const sorted = [...patients.values()].sort((a, b) => urgency(b) - urgency(a) || a.displayName.localeCompare(b.displayName));
    reconcile(tableBody, sorted, (entry) => entry.patientId,
      (entry) => tableRow(columns, entry, () => ({'data-test': 'patient', 'data-patient-id': entry.patientId})));
  }

  function drawAlerts() {
    const open = [...feed.alerts.values()].filter(isOpen).sort(compareAlerts);
    alertNote.update(open.length);
    reconcile(alertList, open, (alert) => alert.id, (alert) => alertCard(alert, {onChange: feed.upsert}));
  }

  function take(entry) {
    if (!shows(entry.patientId)) return;
    patients.set(entry.patientId, entry);
    if (!state.patients.has(entry.patientId)) state.patients.set(entry.patientId, {id: entry.patientId, displayName: entry.displayName});
  }

  async function loadVitals() {
    const id = ++sequence;
    held ??= new Map();
    vitals.state = 'loading';
    draw();
    try {
      const latest = await getAll('/api/v1/vitals/latest');
      if (id !== sequence) return;
      patients.clear();
      latest.forEach(take);
      vitals.state = 'ready';
    } catch (error) {
      if (id !== sequence) return;
      vitals.state = 'error';
      vitals.error = error;
    }
    // What the socket pushed meanwhile is at least as new as the answer.
    const pending = held;
    held = null;
    pending.forEach(take);
    draw();
  }

  const unsubscribe = [
    live.on('vitals', ({vitals: entry}) => {
      if (!entry) return;
      if (held) held.set(entry.patientId, entry);
      else take(entry);
      draw();
    }),
    // Vitals are not replayed after a reconnect: read them again.
    live.on('ready', ({patients: ids}) => {
      visible = new Set(ids ?? []);
      for (const patientId of patients.keys()) if (!visible.has(patientId)) patients.delete(patientId);
      for (const alert of feed.alerts.values()) if (!shows(alert.patientId)) feed.alerts.delete(alert.id);
      loadVitals();
    }),
  ];
  loadVitals();
  return () => {
    sequence += 1;
    feed.stop();
    draw.cancel();
    unsubscribe.forEach((stop) => stop());
  };
}
