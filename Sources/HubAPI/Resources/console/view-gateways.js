// Gateways (one edge agent per home): status, outbox backlog, configuration, status history, and issuing or rotating
// a gateway's MQTT credentials (the password is shown once; the hub keeps none).

import {api, getAll} from '/console/api.js';
import {h, heading, button, field, busy, errorBox, table, facts, showError, flash, liveTable} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {live} from '/console/live.js';
import {timeElement, formatDuration, onlineText, outboxText} from '/console/format.js';

function configurationText(configuration) {
  const parts = [];
  if (configuration.statusIntervalSeconds) parts.push(`status every ${formatDuration(configuration.statusIntervalSeconds)}`);
  if (configuration.resendAfterSeconds) parts.push(`resend after ${formatDuration(configuration.resendAfterSeconds)}`);
  return `${parts.length ? parts.join(', ') : 'the agent’s own settings'} (version ${configuration.version}, ${configuration.applied ? 'applied' : 'not yet applied by the agent'})`;
}

/** Asks, issues new credentials, then shows the password once. */
async function rotate(gatewayId) {
  const credentials = await dialog({
    title: `New MQTT credentials for ${gatewayId}`,
    describe: 'The gateway’s current password stops working at once and its sessions are disconnected. The new password is shown only once: have the gateway’s configuration at hand.',
    body: h('div'),
    confirmLabel: 'Issue new credentials',
    danger: true,
    onConfirm: () => api.post(`/api/v1/gateways/${encodeURIComponent(gatewayId)}/credentials`),
  });
  if (!credentials) return null;
  const password = h('input', {type: 'text', readonly: true, value: credentials.password, 'data-test': 'credentials-password', id: 'credentials-password', class: 'mono', spellcheck: 'false'});
  const copied = h('p', {role: 'status', class: 'muted'});
  await dialog({
    title: 'Credentials issued',
    describe: 'Copy the password into the gateway’s password file now. It will not be shown again.',
    body: h('div', null,
      facts([['Username', h('span', {class: 'mono'}, credentials.username)], ['Issued', timeElement(credentials.issuedAt)]]),
      h('div', {class: 'field'}, h('label', {for: 'credentials-password'}, 'Password'), password),
      button('Copy password', async () => {
        try {
          await navigator.clipboard.writeText(credentials.password);
          copied.textContent = 'Copied.';
        } catch {
          password.select();
          copied.textContent = 'Select the password and copy it (Ctrl+C).';
        }
      }, {class: 'button secondary small'}), copied),
    cancelLabel: 'Done',
  });
  return credentials;
}

export async function renderList(main) {
  const box = h('div');
  const rows = liveTable({
    caption: 'Gateways with their status and outbox',
    empty: 'No gateways yet.',
    key: (gateway) => gateway.id,
    rowAttrs: (gateway) => ({'data-test': 'gateway', 'data-gateway-id': gateway.id}),
    columns: [
      {label: 'Gateway', render: (gateway) => h('a', {href: `#/gateways/${encodeURIComponent(gateway.id)}`}, gateway.id)},
      {label: 'Status', render: onlineText},
      {label: 'Last seen', render: (gateway) => timeElement(gateway.lastSeenAt, {relativeOnly: true})},
      {label: 'Outbox backlog', render: outboxText},
      {label: 'Devices', render: (gateway) => h('a', {href: `#/devices?gatewayId=${encodeURIComponent(gateway.id)}`}, String(gateway.deviceCount))},
      {label: 'Agent version', render: (gateway) => gateway.version ?? '—'},
      {label: 'Wi-Fi quality', render: (gateway) => gateway.wifiLinkQuality === undefined ? '—' : `${gateway.wifiLinkQuality} %`},
      {label: 'Credentials', render: (gateway) => h('span', null, gateway.credentialsIssuedAt ? ['issued ', timeElement(gateway.credentialsIssuedAt, {relativeOnly: true})] : 'not issued by the hub', ' ',
        button('Rotate…', async () => { if (await rotate(gateway.id)) load(); }, {class: 'button secondary small', 'data-test': 'rotate-credentials', 'aria-label': `Rotate MQTT credentials of ${gateway.id}`}))},
    ],
  });
  main.append(heading(1, 'Gateways'), box);
  let sequence = 0;
  async function load() {
    const asked = ++sequence;
    try {
      const gateways = await getAll('/api/v1/gateways');
      if (asked !== sequence) return;
      if (!box.contains(rows.element)) box.replaceChildren(rows.element);
      rows.update(gateways);
    } catch (error) {
      if (asked === sequence) box.replaceChildren(errorBox(error));
    }
  }
  await load();
  // Gateway status is not pushed on the live socket; a device change often means a gateway changed too, and after a
  // reconnect anything may have.
  let pending = null;
  const later = () => { pending ??= setTimeout(() => { pending = null; load(); }, 2000); };
  const stops = [live.on('device', later), live.on('ready', later)];
  return () => {
    sequence += 1;
    stops.forEach((stop) => stop());
    clearTimeout(pending);
  };
}

export async function renderDetail(main, {params}) {
  const id = params.id;
  const box = h('div');
  main.append(heading(1, `Gateway ${id}`), box);
  async function load() {
    let gateway;
    let history;
    try {
      [gateway, history] = await Promise.all([
        api.get(`/api/v1/gateways/${encodeURIComponent(id)}`),
        api.get(`/api/v1/gateways/${encodeURIComponent(id)}/status-history`, {limit: 100}),
      ]);
    } catch (error) {
      box.replaceChildren(errorBox(error));
      return;
    }
    const interval = field({label: 'Status interval (seconds)', name: 'statusIntervalSeconds', type: 'number', value: gateway.configuration.statusIntervalSeconds ?? '',
      attrs: {min: 5, max: 3600}, hint: '5 to 3600; empty for the agent’s own setting.'});
    const resend = field({label: 'Resend unacknowledged readings after (seconds)', name: 'resendAfterSeconds', type: 'number', value: gateway.configuration.resendAfterSeconds ?? '',
      attrs: {min: 5, max: 3600}, hint: '5 to 3600; empty for the agent’s own setting.'});
    const save = h('button', {type: 'submit', class: 'button primary'}, 'Save configuration');
    const form = h('form', {class: 'card form-grid', novalidate: true}, interval.wrap, resend.wrap, h('div', {class: 'actions'}, save));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await busy(save, () => api.patch(`/api/v1/gateways/${encodeURIComponent(id)}`, {
          statusIntervalSeconds: interval.control.value ? Number(interval.control.value) : null,
          resendAfterSeconds: resend.control.value ? Number(resend.control.value) : null,
        }));
        await load();
        flash(box, 'Saved. The gateway picks the configuration up within seconds.');
      } catch (error) {
        showError(form, error);
      }
    });
    box.replaceChildren(
      h('div', {'data-test': 'gateway', 'data-gateway-id': id}, facts([
        ['Status', onlineText(gateway)],
        ['Last seen', timeElement(gateway.lastSeenAt)],
        ['Status changed', timeElement(gateway.statusChangedAt)],
        ['Outbox backlog', outboxText(gateway)],
        ['Agent version', gateway.version ?? '—'],
        ['Wi-Fi quality', gateway.wifiLinkQuality === undefined ? '—' : `${gateway.wifiLinkQuality} %`],
        ['Devices', h('a', {href: `#/devices?gatewayId=${encodeURIComponent(id)}`}, String(gateway.deviceCount))],
        ['Configuration', configurationText(gateway.configuration)],
        ['MQTT credentials', gateway.credentialsIssuedAt ? ['issued ', timeElement(gateway.credentialsIssuedAt)] : 'not issued by the hub'],
      ])),
      h('div', {class: 'actions'}, button('Rotate MQTT credentials…', async () => { if (await rotate(id)) load(); }, {class: 'button secondary', 'data-test': 'rotate-credentials'})),
      h('section', {'aria-labelledby': 'gconfig-title'}, h('h2', {id: 'gconfig-title'}, 'Configuration'), form),
      h('section', {'aria-labelledby': 'ghistory-title'}, h('h2', {id: 'ghistory-title'}, 'Online and offline'),
        table({caption: 'The gateway going online and offline, newest first', rows: history.items, empty: 'No changes recorded.', columns: [
          {label: 'When', render: (item) => timeElement(item.at, {absoluteOnly: true})},
          {label: 'Status', render: (item) => onlineText(item)},
          {label: 'Agent version', render: (item) => item.version ?? '—'},
        ]})));
  }
  await load();
}
