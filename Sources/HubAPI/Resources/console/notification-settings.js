// Where and when the signed-in person hears of notifications outside the console: email, a webhook (signed with a
// secret the hub shows once), quiet hours, and the channels for each kind of notification.

import {api} from '/console/api.js';
import {h, field, busy, showError, clearErrors, flash, errorBox, fill} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeZoneOptions, browserTimeZone, timeElement} from '/console/format.js';

const KINDS = [['alert', 'Alerts'], ['appointment-reminder', 'Appointment reminders'], ['appointment-change', 'Appointment changes']];
const CHANNELS = [['email', 'Email'], ['webhook', 'Webhook']];

/** The section for `account`'s settings; patients get no alert notifications (alerts go to the care team). */
export function notificationSettingsSection(account) {
  const kinds = account.role === 'patient' ? KINDS.filter(([kind]) => kind !== 'alert') : KINDS;
  const box = h('div', {class: 'card'}, h('p', {class: 'loading'}, 'Loading…'));
  api.get('/api/v1/me/notification-settings').then((settings) => fill(box, settingsForm(settings, kinds))).catch((error) => fill(box, errorBox(error)));
  return h('section', {'aria-labelledby': 'notify-title'}, h('h2', {id: 'notify-title'}, 'Notifications by email and webhook'),
    h('p', {class: 'muted'}, 'Everything also arrives in the console’s inbox. Emails and webhooks name no patient and no value, only what to open in SilverWatch.'), box);
}

function settingsForm(settings, kinds) {
  const email = field({label: 'Email address', name: 'email', type: 'email', value: settings.email ?? '', test: 'notify-email',
    attrs: {autocomplete: 'email', maxlength: 254, spellcheck: 'false'},
    hint: settings.emailAvailable ? 'Empty for no email.' : 'This hub has no mail relay set up yet: nothing is sent by email until it has one.'});
  const webhook = field({label: 'Webhook URL', name: 'webhookUrl', type: 'url', value: settings.webhookUrl ?? '', test: 'notify-webhook-url',
    attrs: {maxlength: 2000, spellcheck: 'false', placeholder: 'https://'},
    hint: 'A public http or https address; each notification is POSTed there as JSON, signed (X-SilverWatch-Signature). Empty for none.'});
  const rotate = field({label: 'Make a new signing secret', name: 'rotateWebhookSecret', type: 'checkbox', test: 'notify-rotate-secret'});
  const quiet = settings.quietHours;
  const quietOn = field({label: 'Hold back email and webhooks during quiet hours', name: 'quietHours', type: 'checkbox', value: Boolean(quiet), test: 'notify-quiet'});
  const quietStart = field({label: 'From', name: 'quietHours.start', type: 'time', value: quiet?.start ?? '22:00', test: 'quiet-start'});
  const quietEnd = field({label: 'Until', name: 'quietHours.end', type: 'time', value: quiet?.end ?? '07:00', test: 'quiet-end'});
  const quietZone = field({label: 'Time zone', name: 'quietHours.timeZone', type: 'select', value: quiet?.timeZone ?? browserTimeZone(), test: 'quiet-time-zone',
    options: timeZoneOptions(quiet?.timeZone, browserTimeZone())});
  const quietFields = h('div', {class: 'form-grid'}, quietStart.wrap, quietEnd.wrap, quietZone.wrap,
    h('p', {class: 'hint full'}, 'A high-priority alert and an escalation still go at once. What is held back goes when quiet hours end.'));
  // A kind with no entry goes to every channel set up: shown as both ticked.
  const choices = kinds.map(([kind, label]) => {
    const chosen = settings.preferences?.[kind] ?? CHANNELS.map(([channel]) => channel);
    const boxes = CHANNELS.map(([channel, words]) => [channel, field({label: words, name: `preferences.${kind}.${channel}`, type: 'checkbox',
      value: chosen.includes(channel), test: `pref-${kind}-${channel}`})]);
    return {kind, boxes, element: h('fieldset', {class: 'channel-choice'}, h('legend', null, label), boxes.map(([, item]) => item.wrap))};
  });
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'save-notification-settings'}, 'Save notification settings');
  const updated = h('p', {class: 'muted', hidden: !settings.updatedAt}, settings.updatedAt ? ['Last changed ', timeElement(settings.updatedAt)] : null);
  const form = h('form', {novalidate: true}, updated,
    h('div', {class: 'form-grid'}, email.wrap, webhook.wrap), rotate.wrap,
    h('fieldset', null, h('legend', null, 'Quiet hours'), quietOn.wrap, quietFields),
    h('fieldset', null, h('legend', null, 'What goes where'), h('div', {class: 'channel-grid'}, choices.map((choice) => choice.element))),
    h('div', {class: 'actions'}, save));
  let stored = settings;
  const sync = () => {
    quietFields.hidden = !quietOn.control.checked;
    // A secret exists only for a stored webhook; a new URL gets a new one anyway.
    rotate.wrap.hidden = !stored.webhookUrl || webhook.control.value.trim() !== stored.webhookUrl;
  };
  quietOn.control.addEventListener('change', sync);
  webhook.control.addEventListener('input', sync);
  sync();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    // The hub replaces the settings whole: everything is sent, an empty field as null (cleared).
    const body = {
      email: email.control.value.trim() || null,
      webhookUrl: webhook.control.value.trim() || null,
      quietHours: quietOn.control.checked ? {start: quietStart.control.value, end: quietEnd.control.value, timeZone: quietZone.control.value} : null,
      preferences: Object.fromEntries(choices.map(({kind, boxes}) => [kind, boxes.filter(([, item]) => item.control.checked).map(([channel]) => channel)])),
    };
    if (!rotate.wrap.hidden && rotate.control.checked) body.rotateWebhookSecret = true;
    if (body.quietHours && (!body.quietHours.start || !body.quietHours.end)) {
      return showError(form, {message: 'Give both times of the quiet hours.', field: body.quietHours.start ? 'quietHours.end' : 'quietHours.start'});
    }
    try {
      stored = await busy(save, () => api.put('/api/v1/me/notification-settings', body));
      rotate.control.checked = false;
      sync();
      fill(updated, 'Last changed ', timeElement(stored.updatedAt)).hidden = false;
      flash(form, 'Notification settings saved.');
      if (stored.webhookSecret) await showSecret(stored.webhookSecret);
    } catch (error) {
      showError(form, error);
    }
  });
  return form;
}

/** The webhook's signing secret, which the hub shows in this one answer and never again. */
function showSecret(secret) {
  const input = h('input', {type: 'text', readonly: true, value: secret, id: 'webhook-secret', class: 'mono', 'data-test': 'webhook-secret', spellcheck: 'false'});
  return dialog({title: 'Your webhook signing secret',
    describe: 'Copy it into your webhook receiver now: it is shown only this once. The receiver checks each POST with it: ' +
      'X-SilverWatch-Signature is sha256= and the HMAC-SHA256 of the timestamp header, a dot and the body. Lost it? Make a new one here.',
    body: h('div', {class: 'field'}, h('label', {for: 'webhook-secret'}, 'Signing secret'), input), cancelLabel: 'Done'});
}
