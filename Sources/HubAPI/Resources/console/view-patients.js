// "My patients at a glance" (caregivers; every patient for admins): the open alerts first, then each patient's
// latest vitals and NEWS2, kept current by the live socket.

import {getAll} from '/console/api.js';
import {h, heading, reconcile, errorBox, tableRow} from '/console/dom.js';
import {live} from '/console/live.js';
import {formatReading, news2Badge, priorityBadge, timeElement, PRIORITY_RANK} from '/console/format.js';
import {alertCard, compareAlerts, isOpen} from '/console/alerts-ui.js';
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

export async function render(main, {account}) {
  const title = heading(1, account.role === 'admin' ? 'Patients' : 'My patients');
  const alertList = h('div', {class: 'alert-list', 'data-test': 'open-alerts'});
  const alertNote = h('p', {class: 'empty'}, 'No open alerts.');
  const tableBody = h('tbody');
  const tableBox = h('div', {class: 'table-wrap'});
  main.append(title,
    h('section', {'aria-labelledby': 'open-alerts-title'}, h('h2', {id: 'open-alerts-title'}, 'Open alerts'), alertNote, alertList),
    h('section', {'aria-labelledby': 'patients-title'}, h('h2', {id: 'patients-title'}, 'Latest vitals'), tableBox));

  let latest;
  let openAlerts;
  try {
    [latest, openAlerts] = await Promise.all([getAll('/api/v1/vitals/latest'), getAll('/api/v1/alerts', {state: 'open'}, 500)]);
  } catch (error) {
    main.append(errorBox(error));
    return;
  }
  const patients = new Map(latest.map((entry) => [entry.patientId, entry]));
  const alerts = new Map(openAlerts.map((alert) => [alert.id, alert]));

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
    return [...alerts.values()].filter((alert) => alert.patientId === patientId && isOpen(alert));
  }

  function alertSummary(patientId) {
    const open = patientAlerts(patientId);
    if (!open.length) return h('span', {class: 'muted'}, 'None');
    const top = open.reduce((best, alert) => (PRIORITY_RANK[alert.priority] > PRIORITY_RANK[best.priority] ? alert : best));
    return h('span', {class: 'alert-count'}, priorityBadge(top.priority), ` ${open.length} open`);
  }

  function urgency(entry) {
    const open = patientAlerts(entry.patientId);
    const top = Math.max(0, ...open.map((alert) => PRIORITY_RANK[alert.priority]));
    return top * 100 + (entry.news2?.total ?? entry.news2?.partialTotal ?? 0);
  }

  function drawPatients() {
    if (!patients.size) {
      tableBox.replaceChildren(h('p', {class: 'empty'}, account.role === 'admin' ? 'No patients yet.' : 'No patients on your care teams.'));
      return;
    }
    if (!tableBox.contains(tableElement)) tableBox.replaceChildren(tableElement);
    const sorted = [...patients.values()].sort((a, b) => urgency(b) - urgency(a) || a.displayName.localeCompare(b.displayName));
    reconcile(tableBody, sorted, (entry) => entry.patientId,
      (entry) => tableRow(columns, entry, () => ({'data-test': 'patient', 'data-patient-id': entry.patientId})));
  }

  function drawAlerts() {
    const open = [...alerts.values()].filter(isOpen).sort(compareAlerts);
    alertNote.hidden = open.length > 0;
    reconcile(alertList, open, (alert) => alert.id, (alert) => alertCard(alert, {onChange: upsertAlert}));
  }

  function upsertAlert(alert) {
    alerts.set(alert.id, alert);
    drawAlerts();
    drawPatients();
  }

  drawAlerts();
  drawPatients();

  const unsubscribe = [
    live.on('alert', ({alert}) => alert && upsertAlert(alert)),
    live.on('vitals', ({vitals}) => {
      if (!vitals) return;
      patients.set(vitals.patientId, vitals);
      if (!state.patients.has(vitals.patientId)) state.patients.set(vitals.patientId, {id: vitals.patientId, displayName: vitals.displayName});
      drawPatients();
    }),
  ];
  return () => unsubscribe.forEach((stop) => stop());
}
