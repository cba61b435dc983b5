// Reports for a period, as tables: a patient's (their care team and admins), the device fleet's (technicians and
// admins) and how alerts were handled (admins); each with the hub's CSV and printable page to save as files.

import {api} from '/console/api.js';
import {h, heading, table, errorBox, link, fill} from '/console/dom.js';
import {replaceQuery} from '/console/router.js';
import {formatNumber, formatDuration, formatTime, timeElement, priorityBadge, signalWords, VITALS, ATTENTION_WORDS} from '/console/format.js';
import {patientName} from '/console/store.js';
import {reportControls} from '/console/report-tools.js';
import {mountTrend, trendLegend, scoreOf} from '/console/report-chart.js';
import {adminNav} from '/console/view-admin.js';

/** A share (0–1) as a percentage with a bar beside it; the number is the content, the bar only shows it. */
function share(value) {
  if (value === undefined || value === null) return h('span', {class: 'muted'}, '—');
  const fill = h('span', {class: 'share-fill'});
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  return h('span', {class: 'share'}, h('span', {class: 'share-bar', 'aria-hidden': 'true'}, fill), `${formatNumber(value * 100, value > 0 && value < 0.1 ? 1 : 0)} %`);
}

function duration(seconds) {
  return seconds === undefined || seconds === null ? h('span', {class: 'muted'}, '—') : formatDuration(Math.round(seconds));
}

function section(test, title, ...content) {
  const id = `report-${test}-title`;
  return h('section', {'aria-labelledby': id, 'data-test': `report-${test}`}, h('h2', {id}, title), content);
}

/**
 * The frame every report view shares: the period form, and below it what `draw(box, report)` makes of the JSON
 * answer of `path` for the period chosen (kept in the address, so reload and back show the same period). `draw` may
 * return a function to call before the next report replaces it. Returns the view's cleanup.
 */
async function reportView(main, {query, path, fileStem, kind, draw}) {
  const box = h('div', {'data-test': 'report', 'data-kind': kind});
  // Kept in place between reports, so a screen reader hears which period the new one covers.
  const status = h('p', {class: 'muted', role: 'status'});
  let stop = () => {};
  const controls = reportControls({query, path, fileStem, onShow: async (period, days) => {
    replaceQuery(days);
    try {
      const report = await api.get(path, {from: period.from, to: period.to, format: 'json'});
      stop();
      stop = draw(box, report) ?? (() => {});
      fill(status, 'Report from ', timeElement(report.from, {absoluteOnly: true}), ' to ', timeElement(report.to, {absoluteOnly: true}), '.');
    } catch (error) {
      if (error.status === 422) controls.showError(error);
      else fill(box, errorBox(error));
      fill(status);
    }
  }});
  main.append(controls.form, status, box);
  await controls.show();
  return () => stop();
}

export async function renderPatient(main, {params, query}) {
  const id = Number(params.id);
  const title = heading(1, `Report: ${patientName(id)}`);
  main.append(title, h('p', null, link(`#/patients/${id}`, 'Back to the patient’s page')));
  return reportView(main, {query, path: `/api/v1/patients/${id}/report`, fileStem: `patient-${id}-report`, kind: 'patient', draw: (box, report) => {
    title.textContent = `Report: ${report.displayName}`;
    const trend = h('div', {class: 'chart-box'});
    fill(box,
      section('vitals', 'Vitals', vitalsTable(report.vitals),
        h('p', {class: 'hint'}, 'p5–p95: the middle 90 % of readings (nearest rank). In range: the share of readings NEWS2 scores 0. ',
          'Complete: minutes with a reading of the minutes a device was assigned (continuous vitals only).')),
      section('news2', 'NEWS2 every 6 hours', h('figure', {class: 'chart-figure'}, trend, trendLegend()), scoresTable(report.news2)),
      section('alerts', 'Alerts by priority', table({caption: 'Alerts raised in the period', rows: report.alerts, empty: 'No alerts in this period.', className: 'wide-table', columns: [
        {label: 'Priority', render: (row) => priorityBadge(row.priority)},
        {label: 'Raised', render: (row) => String(row.raised)},
        {label: 'Acknowledged', render: (row) => String(row.acknowledged)},
        {label: 'Median time to acknowledge', render: (row) => duration(row.medianSecondsToAcknowledge)},
      ]})),
      section('devices', 'Devices', table({caption: 'Share of the period each device was online', rows: report.devices, empty: 'No devices in this period.', className: 'wide-table', columns: [
        {label: 'Device', render: (row) => link(`#/devices/${encodeURIComponent(row.deviceId)}`, row.deviceId)},
        {label: 'Online', render: (row) => share(row.uptime)},
      ]})));
    return mountTrend(trend, report.news2, {from: new Date(report.from).getTime(), to: new Date(report.to).getTime()});
  }});
}

function vitalsTable(vitals) {
  const number = (row, value) => formatNumber(value, VITALS[row.kind]?.decimals ?? 1);
  return table({caption: 'Usable readings of each vital', rows: vitals, empty: 'No readings in this period.', className: 'wide-table',
    rowAttrs: (row) => ({'data-test': 'report-vital', 'data-kind': row.kind}), columns: [
      {label: 'Vital', render: (row) => `${row.name} (${VITALS[row.kind]?.symbol || row.unit})`},
      {label: 'Readings', render: (row) => formatNumber(row.count)},
      {label: 'Min', render: (row) => number(row, row.min)},
      {label: 'Mean', render: (row) => number(row, row.mean)},
      {label: 'Max', render: (row) => number(row, row.max)},
      {label: 'p5–p95', render: (row) => (row.p5 === undefined ? '—' : `${number(row, row.p5)}–${number(row, row.p95)}`)},
      {label: 'In range', render: (row) => share(row.timeInRange)},
      {label: 'Complete', render: (row) => (row.completeness === undefined ? h('span', {class: 'muted'}, '—')
        : h('span', null, share(row.completeness), h('small', {class: 'muted share-of'}, `${formatNumber(row.minutesWithData)} of ${formatNumber(row.minutesMonitored)} min`)))},
    ]});
}

function scoresTable(scores) {
  return h('details', {class: 'card'}, h('summary', null, `Every score (${scores.length})`),
    table({caption: 'NEWS2 from the latest readings, every 6 hours', rows: scores, empty: 'No scores in this period.', columns: [
      {label: 'At', render: (row) => formatTime(row.at)},
      {label: 'NEWS2', render: (row) => (row.total === undefined || row.total === null ? `${scoreOf(row)} (partial)` : String(row.total))},
    ]}));
}

export async function renderFleet(main, {query, account}) {
  main.append(heading(1, 'Fleet report'), h('p', null, link('#/devices', 'Back to the device fleet')));
  return reportView(main, {query, path: '/api/v1/reports/fleet', fileStem: 'fleet-report', kind: 'fleet', draw: (box, report) => {
    fill(box, section('fleet', 'Devices', table({caption: 'Every device, those needing attention first', rows: report.devices,
      empty: 'No devices.', className: 'wide-table', rowAttrs: (row) => ({'data-test': 'report-device', 'data-device-id': row.deviceId}), columns: [
        {label: 'Device', render: (row) => link(`#/devices/${encodeURIComponent(row.deviceId)}`, row.deviceId)},
        {label: 'Gateway', render: (row) => link(`#/gateways/${encodeURIComponent(row.gatewayId)}`, row.gatewayId)},
        {label: 'Patient', render: (row) => patientCell(row.patientId, account)},
        {label: 'Needs attention', render: (row) => (row.attention.length
          ? h('ul', {class: 'tags'}, row.attention.map((item) => h('li', {class: 'tag'}, ATTENTION_WORDS[item] ?? item))) : h('span', {class: 'muted'}, 'None'))},
        {label: 'Online', render: (row) => share(row.uptime)},
        {label: 'Battery', render: battery},
        {label: 'Median signal', render: (row) => (row.medianRssi === undefined ? '—' : signalWords(Math.round(row.medianRssi)))},
        {label: 'Firmware', render: (row) => row.firmware ?? '—'},
        {label: 'Outbox backlog', render: (row) => (row.outboxBacklog === undefined ? '—' : `${row.outboxBacklog} waiting`)},
        {label: 'Last seen', render: (row) => (row.lastSeen ? timeElement(row.lastSeen) : 'Never')},
      ]})));
  }});
}

function patientCell(id, account) {
  if (!id) return 'Unassigned';
  // Technicians see no patient records: a number, and no link.
  if (account.role === 'technician') return `Patient no. ${id}`;
  return link(`#/patients/${id}`, patientName(id));
}

function battery(row) {
  if (row.batteryFirst === undefined && row.batteryNow === undefined) return h('span', {class: 'muted'}, '—');
  const parts = [];
  if (row.batteryFirst !== undefined) parts.push(`${row.batteryFirst} → ${row.batteryLast} %`, `lowest ${row.batteryLowest} %`);
  if (row.batteryNow !== undefined) parts.push(`now ${row.batteryNow} %`);
  return parts.join(', ');
}

export async function renderOperations(main, {query}) {
  main.append(heading(1, 'Operations report'), adminNav('operations'));
  return reportView(main, {query, path: '/api/v1/reports/operations', fileStem: 'operations-report', kind: 'operations', draw: (box, report) => {
    fill(box,
      section('priorities', 'Alerts by priority', table({caption: 'Alerts raised in the period, by priority', rows: report.priorities, empty: 'No alerts in this period.',
        className: 'wide-table', columns: [
          {label: 'Priority', render: (row) => priorityBadge(row.priority)},
          {label: 'Raised', render: (row) => String(row.raised)},
          {label: 'Acknowledged', render: (row) => String(row.acknowledged)},
          {label: 'Median to acknowledge', render: (row) => duration(row.medianSecondsToAcknowledge)},
          {label: '90 % acknowledged within', render: (row) => duration(row.p90SecondsToAcknowledge)},
          {label: 'Resolved', render: (row) => String(row.resolved)},
          {label: 'Median to resolve', render: (row) => duration(row.medianSecondsToResolve)},
          {label: 'Escalated alerts', render: (row) => String(row.escalatedAlerts)},
          {label: 'Escalations', render: (row) => String(row.escalations)},
        ]})),
      section('people', 'By person', table({caption: 'Who acknowledged and resolved the period’s alerts', rows: report.people, empty: 'Nobody acknowledged or resolved an alert in this period.',
        className: 'wide-table', columns: [
          {label: 'Person', render: (row) => row.displayName},
          {label: 'Acknowledged', render: (row) => String(row.acknowledged)},
          {label: 'Median to acknowledge', render: (row) => duration(row.medianSecondsToAcknowledge)},
          {label: 'Resolved', render: (row) => String(row.resolved)},
          {label: 'Median to resolve', render: (row) => duration(row.medianSecondsToResolve)},
        ]})));
  }});
}
