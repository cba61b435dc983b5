// An alert's own page: its evidence (the rule, the limit, the first, worst and latest readings with device and
// sequence number), a chart around it, its history, and what can be done.

import {api} from '/console/api.js';
import {h, heading, button, busy, errorBox, reconcile, facts, table, flash, errorText} from '/console/dom.js';
import {live} from '/console/live.js';
import {
  timeElement, formatReading, formatNumber, vitalName, causeWords, priorityBadge, STATUS_WORDS, CONDITION_WORDS, VITALS, formatTime, formatClock,
} from '/console/format.js';
import {alertActions, eventWords, stillPresentBadge} from '/console/alerts-ui.js';
import {mountChart, thresholdsFor} from '/console/chart.js';
import {patientName} from '/console/store.js';

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
  let stopped = false;
  // Listening from before the first answer: a change on its way meanwhile is not lost.
  let arrived = null;
  let onChange = (alert) => { arrived = alert; };
  const unsubscribe = [
    live.on('alert', ({alert}) => alert?.id === id && onChange(alert)),
    live.on('ready', ({resumed}) => resumed !== true && reloadHistory()),
  ];
  let detail;
  try {
    detail = await api.get(`/api/v1/alerts/${id}`);
  } catch (error) {
    unsubscribe.forEach((off) => off());
    main.append(heading(1, `Alert ${id}`), errorBox(error));
    return;
  }
  if (arrived && new Date(arrived.updatedAt) > new Date(detail.alert.updatedAt)) detail.alert = arrived;
  const header = h('div');
  const historyBox = h('div');
  const chartBox = h('div', {class: 'chart-box'});
  const extra = h('div', {class: 'actions'});
  const title = heading(1, detail.alert.summary);

  // A snooze ends without a word from the hub when nobody needed telling: the page redraws itself at its end.
  let snoozeTimer = null;

  // Redrawn at every change of the alert; reconcile keeps the keyboard on the button it was on.
  function drawHeader(alert) {
    title.textContent = alert.summary;
    clearTimeout(snoozeTimer);
    const snoozeLeft = alert.snoozedUntil ? new Date(alert.snoozedUntil) - Date.now() : 0;
    if (snoozeLeft > 0) snoozeTimer = setTimeout(() => drawHeader(detail.alert), Math.min(snoozeLeft + 500, 2 ** 31 - 1));
    reconcile(header, [alert], (item) => item.id, () => h('div', {
      class: ['alert-card', 'detail', `priority-${alert.priority}`, `status-${alert.status}`],
      'data-test': 'alert', 'data-alert-id': alert.id, 'data-priority': alert.priority, 'data-status': alert.status,
    },
    h('div', {class: 'alert-head'}, priorityBadge(alert.priority), h('span', {class: ['status', `status-${alert.status}`]}, STATUS_WORDS[alert.status]),
      stillPresentBadge(alert)),
    facts([
      alert.patientId ? ['Patient', h('a', {href: `#/patients/${alert.patientId}`}, patientName(alert.patientId))] : null,
      ['Cause', causeWords(alert.cause)],
      ['Raised', timeElement(alert.raisedAt)],
      ['Condition now', CONDITION_WORDS[alert.condition] ?? alert.condition],
      ['Latching', alert.latching ? 'Yes: stays open until someone resolves it' : 'No: resolves itself when the condition clears'],
      alert.acknowledgedAt ? ['Acknowledged', [timeElement(alert.acknowledgedAt), alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : '']] : null,
      snoozeLeft > 0 ? ['Snoozed until', timeElement(alert.snoozedUntil)] : null,
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
    if (!detail) return;
    try {
      const fresh = await api.get(`/api/v1/alerts/${id}`);
      if (stopped) return;
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
      if (stopped) return;
      stopChart = mountChart(chartBox, {kind: evidence.vital, history, from, to, thresholds: thresholdsFor(evidence.vital, rules),
        rangeLabel: `from ${formatTime(from)} to ${formatTime(to)}`});
    }).catch((error) => chartBox.replaceChildren(errorBox(error)));
  }
  main.append(h('section', {'aria-labelledby': 'history-title', 'data-test': 'alert-history'}, h('h2', {id: 'history-title'}, 'History'), historyBox));

  // An alert whose condition holds changes at every reading; its history is read again at most every 2 s.
  let pending = null;
  onChange = (changed) => {
    if (new Date(changed.updatedAt) < new Date(detail.alert.updatedAt)) return;
    detail.alert = changed;
    drawHeader(changed);
    pending ??= setTimeout(() => { pending = null; reloadHistory(); }, 2000);
  };
  return () => {
    stopped = true;
    unsubscribe.forEach((off) => off());
    stopChart();
    clearTimeout(pending);
    clearTimeout(snoozeTimer);
  };
}
