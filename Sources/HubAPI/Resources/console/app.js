// SilverWatch web console: signs in, then shows the signed-in role's views over the hub's API and live socket.
//
// Stable hooks for browser tests (data-test attributes):
//   sign-in form        username, password, sign-in, sign-in-error
//   frame               whoami (signed-in name), sign-out, skip-link, connection-banner (role="alert"; hidden while
//                       connected), reconnect (in the banner), live-region (the announcer, aria-live="polite"; its
//                       child #live-assertive takes high priority), announcement (each note in it, data-priority)
//   navigation          nav-patients, nav-alerts, nav-devices, nav-gateways, nav-appointments, nav-chat, nav-admin,
//                       nav-me, nav-notifications, nav-account (only the signed-in role's); badge-notifications,
//                       badge-chat (unread counts); the phone-width menu button has aria-controls="site-nav"
//   dialogs             dialog-confirm, dialog-cancel (every dialog; Escape closes)
//   loading             retry (a list that failed to load: try again), load-more (the next page of a list)
//   alerts              alert (card, or the header of the alert's page; data-alert-id, data-priority, data-status),
//                       condition-present (badge of an acknowledged alert whose condition holds), alert-link,
//                       acknowledge, resolve, snooze, resolve-note, snooze-until, discuss-alert, assign-me,
//                       alert-evidence, alert-history, open-alerts, patient-alerts, alert-filter-state,
//                       alert-filter-priority, alert-filter-category, unshown-alerts (new alerts a filter hides),
//                       show-unshown
//   patients            patient (row; data-patient-id), news2, vital (data-kind), range-6h, range-24h, range-7d,
//                       range-30d, chart-<kind> (the SVG, e.g. chart-spo2)
//   rules               rule (row; data-rule-id), inputs by data-field (rules[<id>].bands[<priority>].limit,
//                       ….sustain, rules[<id>].enabled, rules[<id>].hysteresis), save-rules, reset-rules, rules-json,
//                       save-rules-json
//   devices             device (row; data-device-id, data-online), device-filter-all, device-filter-offline,
//                       device-filter-low-battery, device-filter-weak-signal, device-filter-stale, assign-device,
//                       end-assignment, discuss-device, device-timeout, save-timeout, fleet-report (link),
//                       register-device-id, register-gateway-id, register-device; gateway (row; data-gateway-id),
//                       rotate-credentials, credentials-password
//   appointments        appointment (row; data-appointment-id, data-status), book, book-patient, book-staff,
//                       book-type, slot (data-start), confirm-appointment, cancel-appointment, cancel-reason,
//                       start-appointment, complete-appointment, no-show, reschedule, join-video
//   chat                conversation (data-conversation-id, data-unread), message (data-message-id), message-input,
//                       send, new-conversation, read-receipt, edit-message, delete-message
//   notifications       notification (data-notification-id, data-unread), mark-read, read-all, show-deliveries
//                       (aria-expanded), delivery (row; data-delivery-id, data-status)
//   account             new-password, change-password, my-hours (link); notify-email, notify-webhook-url,
//                       notify-rotate-secret, notify-quiet, quiet-start, quiet-end, quiet-time-zone, pref-<kind>-<channel>
//                       (kind alert, appointment-reminder, appointment-change; channel email, webhook),
//                       save-notification-settings, webhook-secret (the secret, in its dialog)
//   hours               hours-time-zone, hours-buffer, hours-minutes-<type> (e.g. hours-minutes-home-visit),
//                       weekly-hours (row), override-hours (row), hours-weekday, hours-start, hours-end, hours-location,
//                       remove-hours, add-weekly-hours, override (a date's card), override-date, override-day-off,
//                       add-override-hours, remove-override, add-override, add-day-off, save-hours; time-off (row;
//                       data-time-off-id), time-off-start, time-off-end, time-off-reason, add-time-off, delete-time-off
//   reports             patient-report (link), report-from, report-to, show-report, download-csv, printable-report,
//                       report (data-kind patient, fleet or operations), report-vitals, report-news2, report-alerts,
//                       report-devices, report-fleet, report-priorities, report-people (sections), report-vital (row;
//                       data-kind), report-device (row; data-device-id), chart-news2
//   admin               admin-accounts, admin-patients, admin-policy, admin-on-call, admin-audit, admin-operations,
//                       admin-deliveries (sub-navigation), account (row; data-account-id, data-username), create-account,
//                       deactivate, unlock, staff-hours (link to the person's hours), create-patient, care-team-member,
//                       add-caregiver, remove-caregiver, fhir-period, export-fhir, export-fhir-next (a further part),
//                       save-policy, save-on-call, audit-filter, audit-entry (data-entry-id), verify-audit,
//                       audit-verification, delivery-status (the deliveries' filter; rows are delivery), load-more
//   video               video-status, video-remote, video-local, video-mute, video-camera, video-hangup

import {api, login, logout, isSignedIn, onSignedOut, setAccount, currentAccount, ApiError, sessionWasCopied} from '/console/api.js';
import {h, field, heading, busy, showError, clearErrors} from '/console/dom.js';
import {closeDialogs} from '/console/dialog.js';
import {live} from '/console/live.js';
import {route, startRouter, stopRouter} from '/console/router.js';
import {showShell, hideShell, homeFor, clearAnnouncements} from '/console/shell.js';
import {state, reset, loadPatients, refreshNotificationCount, refreshMessageCounts} from '/console/store.js';
import {resetAnnouncer} from '/console/alert-announcer.js';
import * as patients from '/console/view-patients.js';
import * as patientPage from '/console/view-patient.js';
import * as alerts from '/console/view-alerts.js';
import * as chat from '/console/view-chat.js';
import * as appointments from '/console/view-appointments.js';
import * as booking from '/console/view-booking.js';
import * as video from '/console/view-video.js';
import * as notifications from '/console/view-notifications.js';
import * as devices from '/console/view-devices.js';
import * as gateways from '/console/view-gateways.js';
import * as me from '/console/view-me.js';
import * as account from '/console/view-account.js';
import * as admin from '/console/view-admin.js';
import * as adminPatients from '/console/view-admin-patients.js';
import * as rules from '/console/view-rules.js';
import * as policy from '/console/view-policy.js';
import * as audit from '/console/view-audit.js';
import * as reports from '/console/view-reports.js';
import * as hours from '/console/view-hours.js';
import * as deliveries from '/console/view-deliveries.js';

const STAFF = ['admin', 'caregiver'];
// The address a signed-out tab was at, to go back to after signing in.
const AFTER_SIGN_IN = 'silverwatch.after-sign-in';

route('/patients', patients.render, {roles: STAFF});
route('/patients/:id', patientPage.render, {roles: STAFF});
route('/patients/:id/rules', rules.render, {roles: STAFF});
route('/patients/:id/report', reports.renderPatient, {roles: STAFF});
route('/alerts', alerts.renderList, {roles: ['admin', 'caregiver', 'technician']});
route('/alerts/:id', alerts.renderDetail, {roles: ['admin', 'caregiver', 'technician']});
route('/chat', chat.render, {roles: ['caregiver', 'technician', 'patient']});
route('/chat/:id', chat.render, {roles: ['caregiver', 'technician', 'patient']});
route('/appointments', appointments.renderList);
route('/appointments/book', booking.render, {roles: ['admin', 'caregiver', 'patient']});
route('/appointments/:id', appointments.renderDetail);
route('/video/:id', video.render, {roles: ['caregiver', 'patient']});
route('/notifications', notifications.render);
route('/devices', devices.renderList, {roles: ['admin', 'technician', 'caregiver']});
route('/devices/:id', devices.renderDetail, {roles: ['admin', 'technician', 'caregiver']});
route('/gateways', gateways.renderList, {roles: ['admin', 'technician']});
route('/gateways/:id', gateways.renderDetail, {roles: ['admin', 'technician']});
route('/reports/fleet', reports.renderFleet, {roles: ['admin', 'technician']});
route('/hours', hours.render, {roles: ['caregiver', 'technician']});
route('/staff/:id/hours', hours.render, {roles: ['admin']});
route('/me', me.render, {roles: ['patient']});
route('/account', account.render);
route('/admin', admin.renderHome, {roles: ['admin']});
route('/admin/accounts', admin.renderAccounts, {roles: ['admin']});
route('/admin/patients', adminPatients.renderList, {roles: ['admin']});
route('/admin/patients/:id', adminPatients.renderDetail, {roles: ['admin']});
route('/admin/policy', policy.renderPolicy, {roles: ['admin']});
route('/admin/on-call', policy.renderOnCall, {roles: ['admin']});
route('/admin/audit', audit.render, {roles: ['admin']});
route('/admin/operations', reports.renderOperations, {roles: ['admin']});
route('/admin/deliveries', deliveries.render, {roles: ['admin']});

/** The sign-in form; on success, the console for the account's role. */
function showSignIn(message) {
  stopRouter();
  hideShell();
  const main = document.getElementById('main');
  const username = field({label: 'Username', name: 'username', test: 'username', required: true, attrs: {autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false'}});
  const password = field({label: 'Password', name: 'password', type: 'password', test: 'password', required: true, attrs: {autocomplete: 'current-password'}});
  const submit = h('button', {type: 'submit', class: 'button primary', 'data-test': 'sign-in'}, 'Sign in');
  const form = h('form', {class: 'card sign-in', novalidate: true}, username.wrap, password.wrap, submit);
  const title = heading(1, 'Sign in to SilverWatch');
  main.replaceChildren(h('div', {class: 'sign-in-page'}, title,
    h('p', {class: 'muted'}, 'Remote patient monitoring. Use the account your administrator gave you.'),
    message ? h('p', {class: 'form-error', role: 'alert', 'data-test': 'sign-in-error'}, message) : null, form));
  document.title = 'Sign in · SilverWatch';
  if (location.hash && location.hash !== '#/') sessionStorage.setItem(AFTER_SIGN_IN, location.hash);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!username.control.value.trim() || !password.control.value) {
      showError(form, {message: 'Enter your username and password.', field: username.control.value.trim() ? 'password' : 'username'});
      return;
    }
    try {
      await busy(submit, () => login(username.control.value.trim(), password.control.value));
      await startConsole();
    } catch (error) {
      const note = showError(form, error, {focus: false});
      note.dataset.test = 'sign-in-error';
      if (error instanceof ApiError && error.status === 401) password.control.value = '';
      password.control.focus();
    }
  });
  username.control.focus();
}

async function startConsole() {
  let me;
  try {
    me = await api.get('/api/v1/me');
  } catch (error) {
    if (error.status === 401 || !isSignedIn()) return showSignIn('Your session has ended. Please sign in again.');
    me = currentAccount();
    if (!me) return showSignIn(error.message);
  }
  setAccount(me);
  reset();
  state.account = me;
  showShell(me, signOut);
  await loadPatients().catch(() => {});
  refreshNotificationCount();
  refreshMessageCounts();
  live.start();
  const after = sessionStorage.getItem(AFTER_SIGN_IN);
  sessionStorage.removeItem(AFTER_SIGN_IN);
  if (after && (!location.hash || location.hash === '#/' || location.hash === '#')) history.replaceState(null, '', after);
  startRouter({account: me}, homeFor);
}

/** Puts away everything the person who leaves was shown: open dialogs, what the announcer said. */
function leave() {
  live.stop();
  stopRouter();
  closeDialogs();
  resetAnnouncer();
  clearAnnouncements();
  reset();
}

async function signOut() {
  leave();
  sessionStorage.removeItem(AFTER_SIGN_IN);
  // Nothing of the session stays on screen while the hub is told.
  hideShell();
  document.getElementById('main').replaceChildren();
  await logout();
  history.replaceState(null, '', location.pathname);
  showSignIn();
}

// The session ended without the person signing out (expired, revoked elsewhere): where they were is kept, so signing
// in again leads back there.
onSignedOut((reason) => {
  leave();
  showSignIn(reason);
});

// A patient added to a caregiver's team mid-session, or taken off it: learn the names for the cards and
// announcements, and forget those no longer shown.
live.addEventListener('ready', (event) => {
  const role = state.account?.role;
  if (role !== 'caregiver' && role !== 'admin') return;
  const ids = new Set(event.detail.patients ?? []);
  const known = state.patients;
  if (ids.size !== known.size || [...ids].some((id) => !known.has(id))) loadPatients().catch(() => {});
});

if (isSignedIn()) startConsole();
else showSignIn(sessionWasCopied() ? 'This tab was opened from another SilverWatch tab. Each tab signs in on its own; please sign in here.' : undefined);
