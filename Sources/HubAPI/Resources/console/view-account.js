// The signed-in person's account: who they are, their working hours (staff), changing their password (which ends
// their other sessions), notifications by email and webhook, and a calendar feed of their appointments.

import {api} from '/console/api.js';
import {h, heading, field, busy, showError, clearErrors, flash, facts, button, errorText} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeElement, ROLE_WORDS} from '/console/format.js';
import {notificationSettingsSection} from '/console/notification-settings.js';

export async function render(main, {account}) {
  main.append(heading(1, 'Your account'), facts([
    ['Name', account.displayName],
    ['Username', account.username],
    ['Role', `${ROLE_WORDS[account.role] ?? account.role}${account.title ? ` (${account.title})` : ''}`],
    ['Since', timeElement(account.createdAt, {absoluteOnly: true})],
  ]));
  if (account.role === 'caregiver' || account.role === 'technician') {
    main.append(h('section', {'aria-labelledby': 'hours-link-title'}, h('h2', {id: 'hours-link-title'}, 'Working hours'),
      h('p', null, 'Patients book appointments in the free slots of your hours. ',
        h('a', {href: '#/hours', class: 'button secondary', 'data-test': 'my-hours'}, 'My hours and time off'))));
  }

  const current = field({label: 'Current password', name: 'currentPassword', type: 'password', required: true, attrs: {autocomplete: 'current-password'}});
  const next = field({label: 'New password', name: 'newPassword', type: 'password', required: true, test: 'new-password',
    attrs: {autocomplete: 'new-password', minlength: 12}, hint: 'At least 12 characters.'});
  const repeat = field({label: 'New password again', name: 'repeat', type: 'password', required: true, attrs: {autocomplete: 'new-password'}});
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'change-password'}, 'Change password');
  // Password managers file the new password under this username.
  const username = h('input', {type: 'text', name: 'username', autocomplete: 'username', value: account.username, hidden: true, readonly: true});
  const form = h('form', {class: 'card form-grid narrow', novalidate: true}, username, current.wrap, next.wrap, repeat.wrap, h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (next.control.value.length < 12) return showError(form, {message: 'The new password needs at least 12 characters.', field: 'newPassword'});
    if (next.control.value !== repeat.control.value) return showError(form, {message: 'The two new passwords differ.', field: 'repeat'});
    try {
      await busy(save, () => api.put('/api/v1/me/password', {currentPassword: current.control.value, newPassword: next.control.value}));
      form.reset();
      flash(form, 'Password changed. Your other sessions have been signed out.', {timeout: 10_000});
    } catch (error) {
      showError(form, error);
    }
  });
  main.append(h('section', {'aria-labelledby': 'password-title'}, h('h2', {id: 'password-title'}, 'Change password'), form),
    notificationSettingsSection(account));

  const feedBox = h('div', {class: 'card'});
  main.append(h('section', {'aria-labelledby': 'feed-title'}, h('h2', {id: 'feed-title'}, 'Calendar feed'),
    h('p', {class: 'muted'}, 'Subscribe to your appointments in a calendar app. The feed shows times and types, never names or notes.'), feedBox));

  async function drawFeed() {
    try {
      const feed = await api.get('/api/v1/me/calendar-feed');
      const make = button(feed.active ? 'Make a new address' : 'Make a feed address', async (event) => {
        try {
          const made = await busy(event.currentTarget, () => api.post('/api/v1/me/calendar-feed'));
          await drawFeed();
          const address = h('input', {type: 'text', readonly: true, value: made.url, id: 'feed-url', class: 'mono'});
          await dialog({title: 'Your calendar feed', describe: 'Copy this address into your calendar app now; it is shown only once. Anyone with it can see your appointment times.',
            body: h('div', {class: 'field'}, h('label', {for: 'feed-url'}, 'Feed address'), address), cancelLabel: 'Done'});
        } catch (error) {
          flash(feedBox, errorText(error), {kind: 'error'});
        }
      }, {class: 'button secondary'});
      const revoke = feed.active ? button('Stop the feed', async (event) => {
        try {
          await busy(event.currentTarget, () => api.delete('/api/v1/me/calendar-feed'));
          await drawFeed();
        } catch (error) {
          flash(feedBox, errorText(error), {kind: 'error'});
        }
      }, {class: 'button secondary'}) : null;
      feedBox.replaceChildren(h('p', null, feed.active ? ['A feed is active, made ', timeElement(feed.createdAt), '. Making a new address stops the old one.'] : 'No feed.'),
        h('div', {class: 'actions'}, make, revoke));
    } catch (error) {
      feedBox.replaceChildren(h('p', {class: 'form-error', role: 'alert'}, errorText(error)));
    }
  }
  await drawFeed();
}
