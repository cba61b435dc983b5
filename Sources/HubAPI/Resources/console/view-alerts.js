// The alert list (filters in the URL, live additions) and an alert's own page: its evidence (the rule, the limit,
// the first, worst and latest readings with device and sequence number), its history, and what can be done.

import {api} from '/console/api.js';
import {h, heading, button, busy, field, errorBox, reconcile, facts, table, flash, errorText, add} from '/console/dom.js';
import {live} from '/console/live.js';
import {replaceQuery} from '/console/router.js';
import {
  timeElement, formatReading, formatNumber, vitalName, causeWords, priorityBadge, STATUS_WORDS, CONDITION_WORDS, VITALS, formatTime, formatClock,
} from '/console/format.js';
import {alertCard, alertActions, compareAlerts, eventWords, isOpen} from '/console/alerts-ui.js';
import {mountChart, thresholdsFor} from '/console/chart.js';
import {patientName} from '/console/store.js';

const STATES = [['open', 'Open'], ['unacknowledged', 'Unacknowledged'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['all', 'All']];
const PRIORITIES = [['', 'Any priority'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']];
const CATEGORIES = [['', 'Any kind'], ['physiological', 'Physiological'], ['technical', 'Technical']];

function matches(alert, filters) {
  if (filters.patientId && alert.patientId !== Number(filters.patientId)) return false;
  if (filters.priority && alert.priority !== filters.priority) return false;
  if (filters.category && alert.category !== filters.category) return false;
  switch (filters.state) {
    case 'open': return isOpen(alert);
    case 'unacknowledged': case 'acknowledged': case 'resolved': return alert.status === filters.state;
    default: return true;
  }
}

export async function renderList(main, {query, account}) {
  const technician = account.role === 'technician';
  const filters = {state: query.state || 'open', priority: query.priority || '', category: technician ? '' : query.category || '', patientId: query.patientId || ''};
  const stateField = field({label: 'State', name: 'state', type: 'select', options: STATES, value: filters.state, test: 'alert-filter-state'});
  const priorityField = field({label: 'Priority', name: 'priority', type: 'select', options: PRIORITIES, value: filters.priority, test: 'alert-filter-priority'});
  const categoryField = field({label: 'Kind', name: 'category', type: 'select', options: CATEGORIES, value: filters.category, test: 'alert-filter-category'});
  const form = h('form', {class: 'filters', 'aria-label': 'Filter alerts'}, stateField.wrap, priorityField.wrap, technician ? null : categoryField.wrap);
  const list = h('div', {class: 'alert-list'});
  const empty = h('p', {class: 'empty'}, 'No alerts match.');
  const more = h('div');
  const count = h('p', {class: 'muted', role: 'status'});
  add(main, heading(1, technician ? 'Technical alerts' : 'Alerts'),
    filters.patientId ? h('p', null, `Showing alerts of ${patientName(Number(filters.patientId))}. `, h('a', {href: '#/alerts'}, 'Show every patient')) : null,
    form, count, empty, list, more);

  const alerts = new Map();
  let cursor = null;

  function draw() {
    const shown = [...alerts.values()].filter((alert) => matches(alert, filters));
    shown.sort(filters.state === 'open' || filters.state === 'unacknowledged' ? compareAlerts : (a, b) => new Date(b.raisedAt) - new Date(a.raisedAt));
    empty.hidden = shown.length > 0;
    // Written only when it changes: a status region re-read at every live update would drown a screen reader.
    const words = `${shown.length} alert${shown.length === 1 ? '' : 's'} shown.`;
    if (count.textContent !== words) count.textContent = words;
    reconcile(list, shown, (alert) => alert.id, (alert) => alertCard(alert, {onChange: upsert, headingLevel: 2}));
  }

  function upsert(alert) {
    alerts.set(alert.id, alert);
    draw();
  }

  async function load(append = false) {
    const parameters = {limit: 100, priority: filters.priority, category: filters.category, patientId: filters.patientId, cursor: append ? cursor : undefined};
    if (filters.state !== 'all') parameters.state = filters.state;
    try {
      const page = await api.get('/api/v1/alerts', parameters);
      if (!append) alerts.clear();
      for (const alert of page.items) alerts.set(alert.id, alert);
      cursor = page.nextCursor ?? null;
      more.replaceChildren(cursor ? button('Load more', (event) => busy(event.currentTarget, () => load(true)), {class: 'button secondary'}) : '');
      draw();
    } catch (error) {
      list.replaceChildren(errorBox(error));
    }
  }

  form.addEventListener('change', () => {
    filters.state = stateField.control.value;
    filters.priority = priorityField.control.value;
    filters.category = technician ? '' : categoryField.control.value;
    replaceQuery(Object.fromEntries(Object.entries(filters).filter(([, value]) => value)));
    load();
  });
  form.addEventListener('submit', (event) => event.preventDefault());

  await load();
  const stop = live.on('alert', ({alert}) => alert && upsert(alert));
  return stop;
}

/** Names the evidence's readings: the first, the worst (the first at the worst value) and the latest. */
function readingRoles(evidence) {
  const readings = evidence.readings.slice().sort((a, b) => new Date(a.measuredAt) - new Date(b.measuredAt));
  const worst = readings.find((reading) => reading.value === evidence.worstValue);
  return readings.map((reading, index) => {
    const roles = [];
    if (index === 0) roles.push('First');
    if (reading === worst) roles.push('Worst');
    if (index === readings.length - 1 && readings.length > 1) roles.push('Latest');
    return {...reading, role: roles.length ? roles.join(', ') : 'Also met it'};
  });
}

function evidenceSection(evidence) {
  const unit = evidence.vital ? VITALS[evidence.vital]?.symbol ?? evidence.unit : evidence.unit;
  const decimals = VITALS[evidence.vital]?.decimals ?? 1;
  const readings = readingRoles(evidence);
  return h('section', {'aria-labelledby': 'evidence-title', 'data-test': 'alert-evidence'},
    h('h2', {id: 'evidence-title'}, 'Evidence'),
    facts([
      ['What', evidence.summary],
      evidence.ruleId ? ['Rule', evidence.ruleId] : null,
      evidence.vital ? ['Vital', vitalName(evidence.vital)] : null,
      evidence.limit !== undefined ? ['Limit', `${formatNumber(evidence.limit, decimals)} ${unit ?? ''}`] : null,
      ['Priority of the evidence', priorityBadge(evidence.priority)],
      ['Condition since', timeElement(evidence.since)],
      ['Readings meeting it', String(evidence.readingCount)],
      evidence.worstValue !== undefined ? ['Worst value', `${formatNumber(evidence.worstValue, decimals)} ${unit ?? ''}`] : null,
      ...Object.entries(evidence.details ?? {}).map(([key, value]) => [key, value]),
    ]),
    table({
      caption: 'Readings behind the alert',
      rows: readings,
      empty: 'No readings recorded with this alert.',
      columns: [
        {label: 'Which', render: (reading) => reading.role},
        {label: 'Value', render: (reading) => formatReading(reading.kind, reading.value, reading.unitSymbol)},
        {label: 'Measured', render: (reading) => timeElement(reading.measuredAt)},
        {label: 'Device', render: (reading) => reading.deviceId ? h('a', {href: `#/devices/${encodeURIComponent(reading.deviceId)}`}, reading.deviceId) : '—'},
        {label: 'Sequence no.', render: (reading) => reading.sequence === undefined ? '—' : String(reading.sequence)},
        {label: 'Device flags', render: (reading) => reading.flags?.length ? reading.flags.join(', ') : 'none'},
      ],
    }));
}

/** The history, oldest first; runs of the same event (a condition present at every reading) are one line. */
function historyList(history) {
  const runs = [];
  for (const entry of history) {
    const words = eventWords(entry.event);
    const last = runs.at(-1);
    if (last && last.words === words && !entry.actorId) {
      last.count += 1;
      last.until = entry.at;
    } else {
      runs.push({words, at: entry.at, until: null, count: 1});
    }
  }
  return h('ol', {class: 'timeline'}, runs.map((run) => h('li', null, timeElement(run.at, {absoluteOnly: true}), ' ', run.words,
    run.count > 1 ? h('span', {class: 'muted'}, ` (${run.count} times, until ${formatClock(run.until)})`) : null)));
}

export async function renderDetail(main, {params, account}) {
  const id = Number(params.id);
  let detail;
  try {
    detail = await api.get(`/api/v1/alerts/${id}`);
  } catch (error) {
    main.append(heading(1, `Alert ${id}`), errorBox(error));
    return;
  }
  const header = h('div');
  const historyBox = h('div');
  const chartBox = h('div', {class: 'chart-box'});
  const extra = h('div', {class: 'actions'});
  const title = heading(1, detail.alert.summary);

  // Redrawn at every change of the alert; reconcile keeps the keyboard on the button it was on.
  function drawHeader(alert) {
    title.textContent = alert.summary;
    reconcile(header, [alert], (item) => item.id, () => h('div', {
      class: ['alert-card', 'detail', `priority-${alert.priority}`, `status-${alert.status}`],
      'data-test': 'alert', 'data-alert-id': alert.id, 'data-priority': alert.priority, 'data-status': alert.status,
    },
    h('div', {class: 'alert-head'}, priorityBadge(alert.priority), h('span', {class: ['status', `status-${alert.status}`]}, STATUS_WORDS[alert.status])),
    facts([
      alert.patientId ? ['Patient', h('a', {href: `#/patients/${alert.patientId}`}, patientName(alert.patientId))] : null,
      ['Cause', causeWords(alert.cause)],
      ['Raised', timeElement(alert.raisedAt)],
      ['Condition now', CONDITION_WORDS[alert.condition] ?? alert.condition],
      ['Latching', alert.latching ? 'Yes: stays open until someone resolves it' : 'No: resolves itself when the condition clears'],
      alert.acknowledgedAt ? ['Acknowledged', [timeElement(alert.acknowledgedAt), alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : '']] : null,
      alert.snoozedUntil ? ['Snoozed until', timeElement(alert.snoozedUntil)] : null,
      ['Escalation tier', String(alert.escalationTier)],
      alert.nextEscalationAt && alert.status === 'unacknowledged' ? ['Escalates next', timeElement(alert.nextEscalationAt)] : null,
      alert.assignee ? ['Assigned to', alert.assignee.displayName] : null,
      alert.resolvedAt ? ['Resolved', [timeElement(alert.resolvedAt), alert.resolution?.by ? ` by ${alert.resolution.by}` : '', alert.resolution?.note ? `: “${alert.resolution.note}”` : '']] : null,
    ]),
    alertActions(alert, (updated) => {
      detail.alert = updated;
      drawHeader(updated);
      reloadHistory();
    })));
  }

  async function reloadHistory() {
    try {
      const fresh = await api.get(`/api/v1/alerts/${id}`);
      detail = fresh;
      drawHeader(fresh.alert);
      historyBox.replaceChildren(historyList(fresh.history));
    } catch {
      // The page keeps what it showed; the next change tries again.
    }
  }

  if (account.role === 'caregiver' || account.role === 'technician') {
    extra.append(button('Discuss this alert', async (event) => {
      try {
        const conversation = await busy(event.currentTarget, () => api.action(`/api/v1/alerts/${id}/conversation`));
        location.hash = `#/chat/${conversation.id}`;
      } catch (error) {
        flash(extra, errorText(error), {kind: 'error'});
      }
    }, {class: 'button secondary', 'data-test': 'discuss-alert'}));
    extra.append(button('Assign to me', async (event) => {
      try {
        const updated = await busy(event.currentTarget, () => api.put(`/api/v1/alerts/${id}/assignee`, {accountId: account.id}));
        detail.alert = updated;
        drawHeader(updated);
        flash(extra, 'Assigned to you.');
      } catch (error) {
        flash(extra, errorText(error), {kind: 'error'});
      }
    }, {class: 'button secondary', 'data-test': 'assign-me'}));
  }

  drawHeader(detail.alert);
  historyBox.replaceChildren(historyList(detail.history));
  main.append(title, header, extra, evidenceSection(detail.evidence));

  let stopChart = () => {};
  const {evidence, alert} = detail;
  if (evidence.vital && alert.patientId && evidence.vital !== 'fall') {
    const since = new Date(evidence.since).getTime();
    const end = alert.resolvedAt ? new Date(alert.resolvedAt).getTime() + 30 * 60_000 : Date.now();
    const from = since - 30 * 60_000;
    const to = Math.min(Date.now(), Math.max(end, since + 30 * 60_000));
    main.append(h('section', {'aria-labelledby': 'context-title'}, h('h2', {id: 'context-title'}, `${vitalName(evidence.vital)} around the alert`), chartBox));
    Promise.all([
      api.get(`/api/v1/patients/${alert.patientId}/vitals/${evidence.vital}/history`, {from: new Date(from).toISOString(), to: new Date(to).toISOString(), points: 300}),
      api.get(`/api/v1/patients/${alert.patientId}/rules`).then((answer) => answer.rules?.rules ?? []).catch(() => []),
    ]).then(([history, rules]) => {
      stopChart = mountChart(chartBox, {kind: evidence.vital, history, from, to, thresholds: thresholdsFor(evidence.vital, rules),
        rangeLabel: `from ${formatTime(from)} to ${formatTime(to)}`});
    }).catch((error) => chartBox.replaceChildren(errorBox(error)));
  }
  main.append(h('section', {'aria-labelledby': 'history-title', 'data-test': 'alert-history'}, h('h2', {id: 'history-title'}, 'History'), historyBox));

  // An alert whose condition holds changes at every reading; its history is read again at most every 2 s.
  let pending = null;
  const stop = live.on('alert', ({alert: changed}) => {
    if (changed?.id !== id) return;
    detail.alert = changed;
    drawHeader(changed);
    pending ??= setTimeout(() => { pending = null; reloadHistory(); }, 2000);
  });
  return () => {
    stop();
    stopChart();
    clearTimeout(pending);
  };
}
