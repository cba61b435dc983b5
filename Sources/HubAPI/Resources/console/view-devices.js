// The device fleet (technicians and admins: every device, registering new ones; caregivers: their patients'),
// filtered to what needs attention, with live status; a device's page with its assignments, status history and
// settings.

import {api, getAll} from '/console/api.js';
import {h, heading, button, busy, field, errorBox, table, facts, flash, showError, reconcile, errorText, add, fill, liveTable, batched} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {live} from '/console/live.js';
import {replaceQuery} from '/console/router.js';
import {timeElement, signalWords, ATTENTION_WORDS, conditionName, formatDuration, onlineText, outboxText} from '/console/format.js';
import {state, patientName} from '/console/store.js';
import {openConversation} from '/console/view-chat.js';
import {registerSection} from '/console/device-register.js';

const FILTERS = [['', 'All devices'], ['offline', 'Offline'], ['low-battery', 'Low battery'], ['weak-signal', 'Weak signal'], ['stale', 'Stale data']];

export function batteryText(percent) {
  if (percent === undefined || percent === null) return h('span', {class: 'muted'}, '—');
  const low = percent <= 30;
  return h('span', {class: low ? 'state state-warn' : null}, `${percent} %${low ? ' (low)' : ''}`);
}

function attention(device) {
  const items = device.attention.map((item) => ATTENTION_WORDS[item] ?? item);
  for (const condition of device.openConditions ?? []) {
    const words = conditionName(condition);
    if (!items.includes(words)) items.push(words);
  }
  return items.length ? h('ul', {class: 'tags'}, items.map((item) => h('li', {class: 'tag'}, item))) : h('span', {class: 'muted'}, 'None');
}

function patientCell(device) {
  if (!device.patientId) return 'Unassigned';
  // Technicians see no patient records, so no name and no link.
  if (state.account.role === 'technician') return `Patient no. ${device.patientId}`;
  return h('a', {href: `#/patients/${device.patientId}`}, patientName(device.patientId));
}

export async function renderList(main, {query, account}) {
  const filter = FILTERS.some(([value]) => value === query.status) ? query.status : '';
  const staff = account.role !== 'caregiver';
  const buttons = FILTERS.map(([value, label]) => h('button', {
    type: 'button', class: 'button toggle', 'aria-pressed': String(value === filter), 'data-test': `device-filter-${value || 'all'}`,
    on: {click: () => choose(value)},
  }, label));
  const summary = h('p', {role: 'status', class: 'muted'});
  const box = h('div', null, h('p', {class: 'loading'}, 'Loading devices…'));
  const gatewayId = query.gatewayId || '';
  add(main, heading(1, staff ? 'Device fleet' : 'My patients’ devices'),
    staff ? h('div', {class: 'actions'}, h('a', {href: '#/reports/fleet', class: 'button secondary', 'data-test': 'fleet-report'}, 'Fleet report')) : null,
    gatewayId ? h('p', null, `Showing the devices of gateway ${gatewayId}. `, h('a', {href: '#/devices'}, 'Show every device')) : null,
    h('div', {class: 'range-group', role: 'group', 'aria-label': 'Show devices needing attention'}, buttons), summary, box);

  let current = filter;
  const devices = new Map();
  let gateways = new Map();
  let loaded = false;
  const rows = liveTable({
    caption: 'Devices with their status', captionHidden: true, key: (device) => device.id,
    rowAttrs: (device) => ({'data-test': 'device', 'data-device-id': device.id, 'data-online': String(device.online)}),
    columns: [
      {label: 'Device', render: (device) => h('a', {href: `#/devices/${encodeURIComponent(device.id)}`}, device.id)},
      {label: 'Status', render: onlineText},
      {label: 'Battery', render: (device) => batteryText(device.batteryPercent)},
      {label: 'Signal', render: (device) => signalWords(device.rssiDBm)},
      {label: 'Last seen', render: (device) => timeElement(device.lastSeenAt, {relativeOnly: true})},
      {label: 'Gateway', render: (device) => staff ? h('a', {href: `#/gateways/${encodeURIComponent(device.gatewayId)}`}, device.gatewayId) : device.gatewayId},
      staff ? {label: 'Outbox backlog', render: (device) => outboxText(gateways.get(device.gatewayId))} : null,
      {label: 'Patient', render: patientCell},
      {label: 'Needs attention', render: attention},
    ].filter(Boolean),
  });

  const draw = batched(() => {
    if (!loaded) return;
    const shown = [...devices.values()].filter((device) => !current || device.attention.includes(current))
      .sort((a, b) => b.attention.length - a.attention.length || a.id.localeCompare(b.id));
    const words = `${shown.length} device${shown.length === 1 ? '' : 's'}${current ? ` ${FILTERS.find(([value]) => value === current)[1].toLowerCase()}` : ''}.`;
    if (summary.textContent !== words) summary.textContent = words;
    rows.setEmpty(current ? 'No device needs this attention.' : 'No devices.');
    if (!box.contains(rows.element)) box.replaceChildren(rows.element);
    rows.update(shown);
  });

  let sequence = 0;
  async function load() {
    const asked = ++sequence;
    try {
      const [items, gatewayItems] = await Promise.all([
        getAll('/api/v1/devices', {status: current, gatewayId}),
        staff ? getAll('/api/v1/gateways').catch(() => []) : [],
      ]);
      // Filters chosen one after the other: only the answer to the last one counts.
      if (asked !== sequence) return;
      devices.clear();
      for (const device of items) devices.set(device.id, device);
      gateways = new Map(gatewayItems.map((gateway) => [gateway.id, gateway]));
      loaded = true;
      draw();
    } catch (error) {
      if (asked !== sequence) return;
      loaded = false;
      box.replaceChildren(errorBox(error));
    }
  }

  function choose(value) {
    current = value;
    for (const item of buttons) item.setAttribute('aria-pressed', String(item.dataset.test === `device-filter-${value || 'all'}`));
    replaceQuery({status: value, gatewayId});
    load();
  }

  const stops = [
    live.on('device', ({device}) => {
      if (!device || (gatewayId && device.gatewayId !== gatewayId)) return;
      devices.set(device.id, device);
      draw();
    }),
    // Device status is not replayed after a reconnect: read the fleet again.
    live.on('ready', () => load()),
  ];
  await load();
  if (staff) {
    main.append(registerSection([...gateways.keys()], (device) => {
      if (gatewayId && device.gatewayId !== gatewayId) return;
      devices.set(device.id, device);
      draw();
    }));
  }
  // Gateways' outbox backlog is not pushed; read it again now and then.
  const timer = staff ? setInterval(() => getAll('/api/v1/gateways').then((items) => {
    gateways = new Map(items.map((gateway) => [gateway.id, gateway]));
    draw();
  }).catch(() => {}), 30_000) : null;
  return () => {
    sequence += 1;
    stops.forEach((stop) => stop());
    draw.cancel();
    clearInterval(timer);
  };
}

export async function renderDetail(main, {params, account}) {
  const id = params.id;
  const box = h('div');
  main.append(heading(1, `Device ${id}`), box);
  const staff = account.role !== 'caregiver';
  const factsBox = h('div', {'data-test': 'device', 'data-device-id': id});

  // Live status changes redraw only these facts: the forms below may be half filled in.
  function drawFacts(device) {
    factsBox.dataset.online = String(device.online);
    reconcile(factsBox, [device], (item) => item.id, () => facts([
      ['Status', onlineText(device)],
      ['Battery', batteryText(device.batteryPercent)],
      ['Signal', signalWords(device.rssiDBm)],
      ['Last seen', timeElement(device.lastSeenAt)],
      ['Last reading', timeElement(device.lastReadingAt)],
      ['Gateway', staff ? h('a', {href: `#/gateways/${encodeURIComponent(device.gatewayId)}`}, device.gatewayId) : device.gatewayId],
      ['Model', device.model ?? '—'],
      ['Firmware', device.firmware ?? '—'],
      ['Patient', patientCell(device)],
      ['Offline after', device.inactivityTimeoutSeconds ? formatDuration(device.inactivityTimeoutSeconds) : 'the hub’s default (10 min)'],
      ['Rejected messages', String(device.rejectedMessages ?? 0)],
      ['Needs attention', attention(device)],
    ]));
  }

  async function load() {
    let detail;
    let history;
    try {
      [detail, history] = await Promise.all([
        api.get(`/api/v1/devices/${encodeURIComponent(id)}`),
        api.get(`/api/v1/devices/${encodeURIComponent(id)}/status-history`, {limit: 100}),
      ]);
    } catch (error) {
      box.replaceChildren(errorBox(error));
      return;
    }
    const device = detail.device;
    const current = detail.assignments.find((assignment) => !assignment.until);
    const actions = h('div', {class: 'actions'});
    if (account.role !== 'admin') {
      actions.append(button('Discuss this device', (event) => busy(event.currentTarget,
        () => openConversation({kind: 'device', deviceId: id, title: `Device ${id}`}).catch((error) => flash(actions, errorText(error), {kind: 'error'}))),
      {class: 'button secondary', 'data-test': 'discuss-device'}));
    }
    drawFacts(device);
    fill(box, 
      factsBox,
      actions,
      staff ? assignmentForm(id, current, load) : null,
      staff ? timeoutForm(id, device, load) : null,
      h('section', {'aria-labelledby': 'assignments-title'}, h('h2', {id: 'assignments-title'}, 'Assignments'),
        table({caption: 'Who the device’s readings belonged to', rows: detail.assignments.slice().reverse(), empty: 'Never assigned.', columns: [
          {label: 'Patient', render: (assignment) => patientCell({patientId: assignment.patientId})},
          {label: 'From', render: (assignment) => timeElement(assignment.since, {absoluteOnly: true})},
          {label: 'Until', render: (assignment) => assignment.until ? timeElement(assignment.until, {absoluteOnly: true}) : 'now'},
        ]})),
      h('section', {'aria-labelledby': 'status-title'}, h('h2', {id: 'status-title'}, 'Status history'),
        table({caption: 'The device’s status each time it changed, newest first', rows: history.items, empty: 'No status recorded yet.', columns: [
          {label: 'When', render: (item) => timeElement(item.at, {absoluteOnly: true})},
          {label: 'Link', render: (item) => item.connected === undefined ? '—' : item.connected ? 'Connected' : 'Disconnected'},
          {label: 'Battery', render: (item) => batteryText(item.batteryPercent)},
          {label: 'Signal', render: (item) => signalWords(item.rssiDBm)},
          {label: 'Firmware', render: (item) => item.firmware ?? '—'},
        ]})));
  }

  await load();
  const stops = [
    live.on('device', ({device}) => device?.id === id && drawFacts(device)),
    live.on('ready', async () => {
      const fresh = await api.get(`/api/v1/devices/${encodeURIComponent(id)}`).catch(() => null);
      if (fresh) drawFacts(fresh.device);
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

/** Assign to a patient from a time (default now), or end the current assignment. */
function assignmentForm(id, current, reload) {
  const patients = [...state.patients.values()];
  const patient = patients.length
    ? field({label: 'Patient', name: 'patientId', type: 'select', options: patients.map((item) => [String(item.id), item.displayName]), value: current?.patientId})
    : field({label: 'Patient number', name: 'patientId', type: 'number', required: true, value: current?.patientId, attrs: {min: 1, inputmode: 'numeric'},
      hint: 'The patient record’s number (technicians do not see names).'});
  const since = field({label: 'From (leave empty for now)', name: 'since', type: 'datetime-local',
    hint: 'Readings measured since then belong to this patient. It cannot start before the current assignment began.'});
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'assign-device'}, current ? 'Reassign' : 'Assign');
  const end = current ? button('End assignment', async () => {
    const done = await dialog({title: 'End assignment', describe: `From now on, readings of ${id} belong to no patient.`, body: h('div'),
      confirmLabel: 'End assignment', danger: true, onConfirm: () => api.put(`/api/v1/devices/${encodeURIComponent(id)}/assignment`, {patientId: null})});
    if (done) reload();
  }, {class: 'button secondary', 'data-test': 'end-assignment'}) : null;
  const form = h('form', {class: 'card form-grid', novalidate: true}, patient.wrap, since.wrap, h('div', {class: 'actions'}, save, end));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {patientId: Number(patient.control.value)};
    if (since.control.value) body.since = new Date(since.control.value).toISOString();
    try {
      await busy(save, () => api.put(`/api/v1/devices/${encodeURIComponent(id)}/assignment`, body));
      reload();
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', {'aria-labelledby': 'assign-title'}, h('h2', {id: 'assign-title'}, 'Assign to a patient'), form);
}

function timeoutForm(id, device, reload) {
  const timeout = field({label: 'Offline after (seconds)', name: 'inactivityTimeoutSeconds', type: 'number', value: device.inactivityTimeoutSeconds ?? '',
    attrs: {min: 60, max: 86400, inputmode: 'numeric'}, hint: '60 to 86400; empty for the hub’s default of 600 s.', test: 'device-timeout'});
  const save = h('button', {type: 'submit', class: 'button secondary', 'data-test': 'save-timeout'}, 'Save');
  const form = h('form', {class: 'card form-grid', novalidate: true}, timeout.wrap, h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const seconds = timeout.control.value === '' ? null : Number(timeout.control.value);
    if (seconds !== null && !(Number.isInteger(seconds) && seconds >= 60 && seconds <= 86400)) {
      return showError(form, {message: 'Give whole seconds from 60 to 86400, or leave it empty for the default.', field: 'inactivityTimeoutSeconds'});
    }
    try {
      await busy(save, () => api.patch(`/api/v1/devices/${encodeURIComponent(id)}`, {inactivityTimeoutSeconds: seconds}));
      await reload();
      // The page was drawn again with the new value: the keyboard goes back to the field it was in.
      const again = document.querySelector('[data-test="device-timeout"]');
      again?.focus();
      if (again) flash(again.closest('form'), 'Saved.');
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', {'aria-labelledby': 'timeout-title'}, h('h2', {id: 'timeout-title'}, 'Inactivity timeout'), form);
}
