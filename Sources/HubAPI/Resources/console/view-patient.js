// One patient, for their care team and admins: latest vitals and NEWS2, open alerts, trends with the patient's alert
// limits drawn in, NEWS2 settings, care team, devices and upcoming appointments.

import {api, getAll} from '/console/api.js';
import {h, heading, button, busy, field, errorBox, showError, flash, facts, reconcile, link, batched} from '/console/dom.js';
import {live} from '/console/live.js';
import {replaceQuery} from '/console/router.js';
import {
  news2Badge, formatReading, timeElement, vitalName, VITAL_ORDER, news2ParameterName, APPOINTMENT_TYPES, APPOINTMENT_STATUS,
  ATTENTION_WORDS,
} from '/console/format.js';
import {alertCard, compareAlerts, isOpen} from '/console/alerts-ui.js';
import {alertFeed, feedNote} from '/console/alert-feed.js';
import {renderTrends} from '/console/trends.js';
import {state} from '/console/store.js';
import {openConversation} from '/console/view-chat.js';

const CONSCIOUSNESS = [['', 'Not recorded'], ['alert', 'Alert'], ['new-confusion', 'New confusion'], ['voice', 'Responds to voice'],
  ['pain', 'Responds to pain'], ['unresponsive', 'Unresponsive']];

function vitalCard(reading) {
  return h('div', {class: 'vital-card', 'data-test': 'vital', 'data-kind': reading.kind},
    h('p', {class: 'vital-name'}, vitalName(reading.kind)),
    h('p', {class: 'vital-value'}, formatReading(reading.kind, reading.value, reading.unitSymbol)),
    h('p', {class: 'vital-meta'}, timeElement(reading.measuredAt, {relativeOnly: true}),
      reading.deviceId ? ` · ${reading.deviceId}` : '', reading.flags?.length ? ` · flags: ${reading.flags.join(', ')}` : ''));
}

function news2Details(news2) {
  const parts = Object.entries(news2.parameters ?? {}).map(([name, points]) => `${news2ParameterName(name)} ${points}`);
  return h('p', {class: 'muted'}, parts.length ? `Points: ${parts.join(', ')}.` : '',
    news2.missing?.length ? ` Not observed: ${news2.missing.map(news2ParameterName).join(', ')}.` : '',
    ` SpO2 scale ${news2.scale}.`);
}

export async function render(main, {params, query, account}) {
  const id = Number(params.id);
  let patient;
  let latest;
  let rules;
  try {
    [patient, latest, rules] = await Promise.all([api.get(`/api/v1/patients/${id}`), api.get(`/api/v1/patients/${id}/vitals/latest`),
      api.get(`/api/v1/patients/${id}/rules`).then((answer) => answer.rules?.rules ?? []).catch(() => [])]);
  } catch (error) {
    main.append(heading(1, 'Patient'), errorBox(error));
    return;
  }
  state.patients.set(id, patient);

  const news2Box = h('div', {class: 'news2-box', 'data-test': 'news2'});
  const vitalsGrid = h('div', {class: 'vital-grid'});
  function drawLatest(entry) {
    news2Box.replaceChildren(news2Badge(entry.news2), news2Details(entry.news2));
    const readings = entry.vitals.filter((reading) => reading.kind !== 'fall')
      .sort((a, b) => VITAL_ORDER.indexOf(a.kind) - VITAL_ORDER.indexOf(b.kind));
    if (!readings.length) vitalsGrid.replaceChildren(h('p', {class: 'empty'}, 'No readings yet.'));
    else vitalsGrid.replaceChildren(...readings.map(vitalCard));
  }
  drawLatest(latest);

  const actions = h('div', {class: 'actions'});
  if (account.role === 'caregiver') {
    actions.append(
      button('Message the patient', (event) => busy(event.currentTarget, () => openConversation({kind: 'patient', patientId: id, title: `${patient.displayName} and care team`}).catch((error) => flash(actions, error.message, {kind: 'error'})))),
      button('Discuss with the care team', (event) => busy(event.currentTarget, () => openConversation({kind: 'care-team', patientId: id, title: `Care team: ${patient.displayName}`}).catch((error) => flash(actions, error.message, {kind: 'error'})))),
    );
  }
  actions.append(link(`#/patients/${id}/rules`, 'Alert rules', {class: 'button secondary'}),
    link(`#/patients/${id}/report`, 'Report', {class: 'button secondary', 'data-test': 'patient-report'}),
    link(`#/appointments/book?patientId=${id}`, 'Book an appointment', {class: 'button secondary'}));

  const alertList = h('div', {class: 'alert-list', 'data-test': 'patient-alerts'});
  const drawAlerts = batched(() => {
    const open = [...feed.alerts.values()].sort(compareAlerts);
    alertNote.update(open.length);
    reconcile(alertList, open, (alert) => alert.id, (alert) => alertCard(alert, {showPatient: false, onChange: feed.upsert}));
  });
  const feed = alertFeed({query: () => ({patientId: id, state: 'open'}), keep: (alert) => alert.patientId === id && isOpen(alert), onChange: drawAlerts});
  const alertNote = feedNote(feed, {empty: 'No open alerts.'});
  const trends = h('div');
  const details = [
    patient.yearOfBirth ? ['Born', String(patient.yearOfBirth)] : null,
    ['Conditions', patient.conditions.length ? patient.conditions.join(', ') : 'None recorded'],
    ['On oxygen', patient.news2.onOxygen ? 'Yes' : 'No'],
  ];
  main.append(
    heading(1, patient.displayName),
    facts(details, 'inline'),
    actions,
    h('section', {'aria-labelledby': 'latest-title'}, h('h2', {id: 'latest-title'}, 'Latest vitals'), news2Box, vitalsGrid),
    h('section', {'aria-labelledby': 'palerts-title'}, h('h2', {id: 'palerts-title'}, 'Open alerts'), alertNote.element, alertList,
      h('p', null, link(`#/alerts?patientId=${id}&state=all`, 'All alerts for this patient'))),
    h('section', {'aria-labelledby': 'trends-title'}, h('h2', {id: 'trends-title'}, 'Trends'),
      h('p', {class: 'muted'}, rules.length ? 'Dashed lines are this patient’s alert limits.' : ''), trends),
    settingsSection(patient),
    // Filled as their answers come, each on its own: none holds up the live parts above.
    teamSection(id), devicesSection(id), appointmentsSection(id),
  );

  const kinds = VITAL_ORDER.filter((kind) => kind !== 'fall' && latest.vitals.some((reading) => reading.kind === kind));
  const stopTrends = kinds.length
    ? renderTrends(trends, {patientId: id, kinds, rules, range: query.range, onRange: (range) => replaceQuery({...query, range})})
    : (trends.replaceChildren(h('p', {class: 'empty'}, 'No readings to chart yet.')), () => {});

  // Vitals are not replayed after a reconnect: the latest are read again at every `ready`.
  let sequence = 0;
  const unsubscribe = [
    live.on('vitals', ({vitals}) => {
      if (vitals?.patientId !== id) return;
      sequence += 1;
      drawLatest(vitals);
    }),
    live.on('ready', async () => {
      const asked = ++sequence;
      const fresh = await api.get(`/api/v1/patients/${id}/vitals/latest`).catch(() => null);
      if (fresh && asked === sequence) drawLatest(fresh);
    }),
  ];
  return () => {
    sequence += 1;
    stopTrends();
    feed.stop();
    drawAlerts.cancel();
    unsubscribe.forEach((stop) => stop());
  };
}

/** NEWS2 settings (the care team records oxygen and consciousness, which no device measures) and conditions. */
function settingsSection(patient) {
  const scale = field({label: 'SpO2 scale', name: 'news2.spo2Scale', type: 'select', value: patient.news2.spo2Scale,
    options: [['1', 'Scale 1 (most patients)'], ['2', 'Scale 2 (hypercapnic respiratory failure)']]});
  const oxygen = field({label: 'On supplemental oxygen', name: 'news2.onOxygen', type: 'checkbox', value: patient.news2.onOxygen});
  const consciousness = field({label: 'Consciousness (ACVPU)', name: 'news2.consciousness', type: 'select', value: patient.news2.consciousness ?? '', options: CONSCIOUSNESS});
  const conditions = field({label: 'Conditions (one per line)', name: 'conditions', type: 'textarea', value: patient.conditions.join('\n'), attrs: {rows: 3}});
  const save = h('button', {type: 'submit', class: 'button primary'}, 'Save settings');
  const form = h('form', {class: 'card form-grid', novalidate: true}, scale.wrap, oxygen.wrap, consciousness.wrap, conditions.wrap, h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const changed = await busy(save, () => api.patch(`/api/v1/patients/${patient.id}`, {
        conditions: conditions.control.value.split('\n').map((line) => line.trim()).filter(Boolean),
        news2: {spo2Scale: Number(scale.control.value), onOxygen: oxygen.control.checked, consciousness: consciousness.control.value || null},
      }));
      Object.assign(patient, changed);
      flash(form, 'Saved. NEWS2 now scores the patient with these settings.');
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', {'aria-labelledby': 'settings-title'}, h('h2', {id: 'settings-title'}, 'NEWS2 settings and conditions'), form);
}

/** A section headed `title` that says "Loading…" until `content()` gives what to show in it (or fails, said instead). */
function laterSection(titleId, title, content) {
  const body = h('div', null, h('p', {class: 'loading'}, 'Loading…'));
  content().then((node) => body.replaceChildren(node), (error) => body.replaceChildren(errorBox(error)));
  return h('section', {'aria-labelledby': titleId}, h('h2', {id: titleId}, title), body);
}

function teamSection(id) {
  return laterSection('team-title', 'Care team', async () => {
    const team = await api.get(`/api/v1/patients/${id}/care-team`);
    return team.members.length
      ? h('ul', {class: 'plain-list'}, team.members.map((member) => h('li', null, member.caregiver.displayName,
        member.caregiver.title ? ` (${member.caregiver.title})` : '', h('span', {class: 'muted'}, ' since ', timeElement(member.since, {absoluteOnly: true})))))
      : h('p', {class: 'empty'}, 'Nobody is on this patient’s care team.');
  });
}

function devicesSection(id) {
  return laterSection('pdevices-title', 'Devices', async () => {
    const devices = await getAll('/api/v1/devices', {patientId: id}, 200);
    return devices.length
      ? h('ul', {class: 'plain-list'}, devices.map((device) => h('li', null, h('a', {href: `#/devices/${encodeURIComponent(device.id)}`}, device.id),
        ` — ${device.online ? 'online' : 'offline'}`, device.batteryPercent !== undefined ? `, battery ${device.batteryPercent} %` : '',
        device.attention.length ? `, needs attention: ${device.attention.map((item) => ATTENTION_WORDS[item] ?? item).join(', ')}` : '')))
      : h('p', {class: 'empty'}, 'No devices assigned.');
  });
}

function appointmentsSection(id) {
  return laterSection('pappointments-title', 'Upcoming appointments', async () => {
    const {items} = await api.get('/api/v1/appointments', {patientId: id, from: new Date().toISOString(), status: 'scheduled,confirmed,started', limit: 10});
    return items.length
      ? h('ul', {class: 'plain-list'}, items.map((appointment) => h('li', null,
        h('a', {href: `#/appointments/${appointment.id}`}, `${APPOINTMENT_TYPES[appointment.type] ?? appointment.type} with ${appointment.staffName}`),
        ' — ', timeElement(appointment.start), ` (${APPOINTMENT_STATUS[appointment.status] ?? appointment.status})`)))
      : h('p', {class: 'empty'}, 'No upcoming appointments.');
  });
}
