// An alert as a card, and what people do with it (acknowledge, resolve with a note, snooze within the policy), used
// by the alert list, the patients overview, a patient's page and the alert's own page alike.

import {api} from '/console/api.js';
import {h, button, busy, field, errorText, flash} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {
  priorityBadge, timeElement, formatTime, formatDuration, causeWords, STATUS_WORDS, CONDITION_WORDS, PRIORITY_WORDS, PRIORITY_RANK,
} from '/console/format.js';
import {state, patientName, policy} from '/console/store.js';

/** The lifecycle event's name: the stored event is an object with one key (`{"acknowledged": {"by": …}}`). */
export function eventName(event) {
  if (!event) return '';
  if (typeof event === 'string') return event;
  return Object.keys(event)[0] ?? '';
}

/** Events after which an alert wants someone's attention again (README "Alerts"). */
export const ATTENTION_EVENTS = new Set(['raised', 'priorityRaised', 'conditionReturned', 'reoccurred', 'snoozeExpired', 'escalated']);

/** One history entry in words: "Acknowledged by nurse", "Priority raised from medium to high". The hub sends each
 * event as one key naming it, with plain fields: priorities in words, times in ISO 8601 (README "Alerts"). */
export function eventWords(event) {
  const name = eventName(event);
  const detail = (typeof event === 'object' ? event[name] : null) ?? {};
  const at = detail.priority ? ` at ${detail.priority} priority` : '';
  switch (name) {
    case 'raised': return `Raised${at}`;
    case 'priorityRaised': return `Priority raised from ${detail.from} to ${detail.to}`;
    case 'conditionPresent': return `Condition present${at}`;
    case 'conditionReturned': return `Condition returned${at}`;
    case 'reoccurred': return 'Happened again';
    case 'conditionCleared': return 'Condition cleared (the alert stays open until someone resolves it)';
    case 'conditionIndeterminate': return 'No recent data: the condition cannot be judged';
    case 'acknowledged': return `Acknowledged${detail.by ? ` by ${detail.by}` : ''}`;
    case 'snoozed': return `Snoozed${detail.by ? ` by ${detail.by}` : ''}${detail.until ? ` until ${formatTime(detail.until)}` : ''}`;
    case 'snoozeExpired': return 'Snooze ended';
    case 'escalated': return `Escalated to tier ${detail.tier}`;
    case 'resolved':
      if (detail.type === 'condition-cleared') return 'Resolved: the condition cleared';
      return `Resolved${detail.by ? ` by ${detail.by}` : ''}${detail.note ? `: “${detail.note}”` : ''}`;
    case 'assigned': return `Assigned${detail.by ? ` by ${detail.by}` : ''}`;
    case 'unassigned': return `Unassigned${detail.by ? ` by ${detail.by}` : ''}`;
    default: return name || 'Changed';
  }
}

export function isOpen(alert) {
  return alert.status !== 'resolved';
}

/** Whether someone acknowledged `alert` but what raised it still holds: it is not over, only seen. */
export function stillPresent(alert) {
  return alert.status === 'acknowledged' && alert.condition === 'present';
}

const CONDITION_RANK = {present: 2, indeterminate: 1, absent: 0};

/**
 * Open alerts first: unacknowledged ones, then acknowledged ones whose condition still holds above those that
 * cleared; within each, the most urgent first, then newest.
 */
export function compareAlerts(a, b) {
  const open = Number(isOpen(b)) - Number(isOpen(a));
  if (open) return open;
  if (isOpen(a)) {
    const unacknowledged = Number(b.status === 'unacknowledged') - Number(a.status === 'unacknowledged');
    if (unacknowledged) return unacknowledged;
    const condition = a.status === 'acknowledged' ? (CONDITION_RANK[b.condition] ?? 0) - (CONDITION_RANK[a.condition] ?? 0) : 0;
    if (condition) return condition;
  }
  return ((PRIORITY_RANK[b.priority] ?? 0) - (PRIORITY_RANK[a.priority] ?? 0)) || (new Date(b.raisedAt) - new Date(a.raisedAt));
}

/** The words-and-colour mark of an acknowledged alert whose condition is still present. */
export function stillPresentBadge(alert) {
  return stillPresent(alert) ? h('span', {class: 'badge condition-present', 'data-test': 'condition-present'}, 'Condition still present') : null;
}

/** Whether the signed-in role may act on alerts at all (patients never see them). */
function mayAct() {
  return state.account && state.account.role !== 'patient';
}

/**
 * An alert card: priority in colour and words, what it is, whose, since when, its state, and its actions.
 * `onChange(alert)` receives the alert as an action left it.
 */
export function alertCard(alert, {onChange, showPatient = true, headingLevel = 3, detailLink = true} = {}) {
  const title = detailLink ? h('a', {href: `#/alerts/${alert.id}`, 'data-test': 'alert-link'}, alert.summary) : alert.summary;
  const status = h('span', {class: ['status', `status-${alert.status}`]}, STATUS_WORDS[alert.status] ?? alert.status);
  const meta = [
    showPatient && alert.patientId ? h('span', null, 'Patient: ', h('a', {href: `#/patients/${alert.patientId}`}, patientName(alert.patientId))) : null,
    h('span', null, causeWords(alert.cause)),
    h('span', null, 'Raised ', timeElement(alert.raisedAt)),
    alert.status !== 'resolved' ? h('span', null, `Now: ${CONDITION_WORDS[alert.condition] ?? alert.condition}`) : null,
    alert.snoozedUntil && new Date(alert.snoozedUntil) > new Date() ? h('span', null, 'Snoozed until ', timeElement(alert.snoozedUntil, {absoluteOnly: true})) : null,
    alert.acknowledgedBy && alert.status === 'acknowledged' ? h('span', null, `Acknowledged by ${alert.acknowledgedBy}`) : null,
    alert.assignee ? h('span', null, `Assigned to ${alert.assignee.displayName}`) : null,
    alert.escalationTier > 0 && alert.status === 'unacknowledged' ? h('span', null, `Escalated to tier ${alert.escalationTier}`) : null,
    alert.resolution ? h('span', null, alert.resolution.type === 'person'
      ? `Resolved by ${alert.resolution.by ?? 'someone'}${alert.resolution.note ? `: “${alert.resolution.note}”` : ''}` : 'Resolved: the condition cleared') : null,
  ];
  const card = h('article', {
    class: ['alert-card', `priority-${alert.priority}`, `status-${alert.status}`],
    'data-test': 'alert', 'data-alert-id': alert.id, 'data-priority': alert.priority, 'data-status': alert.status,
    'aria-label': `${PRIORITY_WORDS[alert.priority]} alert: ${alert.summary}, ${STATUS_WORDS[alert.status]}${stillPresent(alert) ? ', condition still present' : ''}`,
  },
  h('div', {class: 'alert-head'}, priorityBadge(alert.priority), status, stillPresentBadge(alert)),
  h(`h${headingLevel}`, {class: 'alert-title'}, title),
  h('p', {class: 'alert-meta'}, meta.filter(Boolean).flatMap((part, index) => index ? [h('span', {class: 'sep', 'aria-hidden': 'true'}, ' · '), part] : [part])),
  alertActions(alert, onChange));
  return card;
}

/** The buttons for what can be done with `alert` now; none for a resolved alert or a patient. */
export function alertActions(alert, onChange) {
  if (!mayAct() || alert.status === 'resolved') return null;
  const box = h('div', {class: 'actions alert-actions'});
  const report = (error) => flash(box.parentElement ?? box, errorText(error), {kind: 'error', timeout: 10_000});
  const done = (updated) => onChange?.(updated);
  if (alert.status === 'unacknowledged') {
    box.append(button('Acknowledge', async (event) => {
      try {
        done(await busy(event.currentTarget, () => api.action(`/api/v1/alerts/${alert.id}/acknowledge`)));
      } catch (error) {
        report(error);
      }
    }, {class: 'button primary', 'data-test': 'acknowledge'}));
  }
  box.append(button('Resolve…', async () => {
    const updated = await resolveDialog(alert);
    if (updated) done(updated);
  }, {class: 'button secondary', 'data-test': 'resolve'}));
  box.append(button('Snooze…', async () => {
    const updated = await snoozeDialog(alert);
    if (updated) done(updated);
  }, {class: 'button secondary', 'data-test': 'snooze'}));
  return box;
}

export function resolveDialog(alert) {
  const note = field({label: 'Note (what was done)', name: 'note', type: 'textarea', test: 'resolve-note', attrs: {maxlength: 2000, rows: 3}});
  return dialog({
    title: 'Resolve alert',
    describe: `${alert.summary}. A high-priority alert stays open until someone resolves it; while its condition still holds, acknowledge or snooze it instead.`,
    body: note.wrap,
    confirmLabel: 'Resolve',
    onConfirm: () => api.post(`/api/v1/alerts/${alert.id}/resolve`, note.control.value.trim() ? {note: note.control.value.trim()} : {}),
  });
}

const SNOOZE_CHOICES_MIN = [5, 10, 15, 30, 60, 120];
// README "Alerts": at most 10 min high, 30 min medium, 2 h low, when the policy cannot be read.
const DEFAULT_LONGEST = {high: 600, medium: 1800, low: 7200};

export async function snoozeDialog(alert) {
  const current = await policy();
  const longest = current?.longestSnoozeSeconds?.[alert.priority] ?? DEFAULT_LONGEST[alert.priority] ?? 600;
  const choices = SNOOZE_CHOICES_MIN.map((minutes) => minutes * 60).filter((seconds) => seconds <= longest);
  if (!choices.includes(longest)) choices.push(longest);
  const select = field({
    label: 'Snooze for', name: 'until', type: 'select', test: 'snooze-until',
    options: choices.map((seconds) => [String(seconds), formatDuration(seconds)]),
    hint: `The policy allows at most ${formatDuration(longest)} for ${PRIORITY_WORDS[alert.priority].toLowerCase()}. A higher priority or the condition returning ends a snooze at once.`,
  });
  select.control.value = String(choices[Math.min(1, choices.length - 1)]);
  return dialog({
    title: 'Snooze alert',
    describe: `${alert.summary}. Re-notification and escalation are held back until the snooze ends.`,
    body: select.wrap,
    confirmLabel: 'Snooze',
    onConfirm: () => {
      const seconds = Number(select.control.value);
      // The policy's limit is measured from the hub's clock when the request arrives: stay a few seconds inside it.
      const margin = seconds === longest ? 5_000 : 0;
      return api.post(`/api/v1/alerts/${alert.id}/snooze`, {until: new Date(Date.now() + seconds * 1000 - margin).toISOString()});
    },
  });
}
