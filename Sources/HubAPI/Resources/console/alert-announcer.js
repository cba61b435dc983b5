// New and returning alerts are announced wherever the person is in the console, within a second of the hub storing
// them: assertively when high priority. After a reconnect, missed changes arrive in a burst; more than a few are
// summed up in one sentence rather than read out one by one.
//
// Staff on call outside a patient's care team see none of that patient's alerts on the socket: an escalation reaches
// them only as a notification, which is announced the same way. A care-team member gets both for one alert (the
// notification a moment after the alert's own message), so a notification about an alert the socket announced a few
// seconds before is not read out again. Alert messages themselves are never held back: a priority raised right
// after the alert was raised must be heard.

import {live} from '/console/live.js';
import {announce} from '/console/shell.js';
import {patientName} from '/console/store.js';
import {eventName, ATTENTION_EVENTS} from '/console/alerts-ui.js';

const ATTENTION_WORDS = {
  raised: 'New alert', priorityRaised: 'Alert raised to a higher priority', conditionReturned: 'Alert condition back',
  reoccurred: 'Alert again', snoozeExpired: 'Snooze ended, still unacknowledged',
};
const REPEAT_WINDOW_MS = 10_000;

// Alert id → when the socket's message about it was announced.
const said = new Map();

function forgetOld() {
  const now = Date.now();
  for (const [id, at] of said) if (now - at > REPEAT_WINDOW_MS) said.delete(id);
}

let burst = [];
let burstTimer = null;

live.addEventListener('alert', (event) => {
  const {alert, event: change} = event.detail;
  const name = eventName(change);
  if (!alert || !ATTENTION_EVENTS.has(name) || alert.status !== 'unacknowledged') return;
  forgetOld();
  said.set(alert.id, Date.now());
  burst.push({alert, name, tier: change?.escalated?.tier});
  if (!burstTimer) burstTimer = setTimeout(flushBurst, 150);
});

function flushBurst() {
  const changes = burst;
  burst = [];
  burstTimer = null;
  if (changes.length > 3) {
    const high = changes.filter(({alert}) => alert.priority === 'high').length;
    announce(`${changes.length} alerts need attention${high ? `, ${high} of them high priority` : ''}. The alert list shows them.`,
      {priority: high ? 'high' : 'medium'});
    return;
  }
  for (const {alert, name, tier} of changes) {
    const whose = alert.patientId ? `${patientName(alert.patientId)}: ` : alert.cause?.deviceId ? `Device ${alert.cause.deviceId}: ` : '';
    const what = name === 'escalated' ? `Still unacknowledged, escalated${tier ? ` to tier ${tier}` : ''}` : ATTENTION_WORDS[name] ?? 'Alert';
    announce(`${what}. ${whose}${alert.summary}`, {priority: alert.priority});
  }
}

live.addEventListener('notification', (event) => {
  const notification = event.detail.notification;
  if (!notification) return;
  if (notification.kind !== 'alert') {
    announce(`${notification.title}. ${notification.body}`);
    return;
  }
  forgetOld();
  if (said.has(notification.alertId)) return;
  announce(`${notification.title}. ${notification.body}`, {priority: notification.priority ?? undefined});
});

/** Forgets what was said (signing out). */
export function resetAnnouncer() {
  said.clear();
  burst = [];
  clearTimeout(burstTimer);
  burstTimer = null;
}
