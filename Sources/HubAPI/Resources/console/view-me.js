// A patient's own page: their latest readings in plain words ("Your oxygen level: 97 % — normal", judged by the
// points NEWS2 gives each reading), small trend charts, and their next appointment. Patients see no alerts: the care
// team gets those.

import {api} from '/console/api.js';
import {h, heading, errorBox, link} from '/console/dom.js';
import {live} from '/console/live.js';
import {replaceQuery} from '/console/router.js';
import {VITALS, VITAL_ORDER, formatReading, plainJudgement, timeElement, APPOINTMENT_TYPES} from '/console/format.js';
import {renderTrends} from '/console/trends.js';
import {videoOpen} from '/console/view-appointments.js';

function readingLine(reading, news2) {
  const meta = VITALS[reading.kind];
  const judgement = plainJudgement(reading.kind, news2);
  return h('li', {class: ['plain-reading', judgement ? `judgement-${judgement.level}` : null], 'data-test': 'vital', 'data-kind': reading.kind},
    h('p', {class: 'plain-sentence'},
      h('span', null, `${meta?.plain ?? reading.kind}: `),
      h('strong', {class: 'plain-value'}, formatReading(reading.kind, reading.value, reading.unitSymbol)),
      judgement ? h('span', {class: 'judgement'}, ` — ${judgement.words}`) : null),
    h('p', {class: 'muted'}, 'Measured ', timeElement(reading.measuredAt, {relativeOnly: true})));
}

export async function render(main, {account, query}) {
  const patientId = account.patientId;
  main.append(heading(1, `Hello, ${account.displayName}`));
  if (!patientId) {
    main.append(h('p', {class: 'empty'}, 'Your account is not linked to a patient record yet. Please ask your care team.'));
    return;
  }
  const readings = h('ul', {class: 'plain-readings'});
  const next = h('div');
  const trends = h('div');
  main.append(
    h('section', {'aria-labelledby': 'readings-title'}, h('h2', {id: 'readings-title'}, 'Your latest readings'),
      h('p', {class: 'muted'}, 'These update by themselves. If you feel unwell, call your care team or emergency services; do not wait for a reading.'), readings),
    h('section', {'aria-labelledby': 'next-title'}, h('h2', {id: 'next-title'}, 'Your next appointment'), next),
    h('section', {'aria-labelledby': 'trends-title'}, h('h2', {id: 'trends-title'}, 'How your readings have changed'), trends));

  let latest;
  try {
    latest = await api.get(`/api/v1/patients/${patientId}/vitals/latest`);
  } catch (error) {
    readings.replaceWith(errorBox(error));
    return;
  }

  function draw(entry) {
    const shown = entry.vitals.filter((reading) => !['fall', 'perfusion-index', 'activity', 'mean-bp'].includes(reading.kind))
      .sort((a, b) => VITAL_ORDER.indexOf(a.kind) - VITAL_ORDER.indexOf(b.kind));
    readings.replaceChildren(...(shown.length ? shown.map((reading) => readingLine(reading, entry.news2)) : [h('li', {class: 'empty'}, 'No readings yet.')]));
  }
  draw(latest);

  api.get('/api/v1/appointments', {from: new Date(Date.now() - 3600_000).toISOString(), status: 'scheduled,confirmed,started', limit: 5})
    .then(({items}) => {
      const upcoming = items.find((item) => new Date(item.end) > new Date());
      if (!upcoming) {
        next.replaceChildren(h('p', null, 'You have no appointments booked. '), link('#/appointments/book', 'Book an appointment', {class: 'button primary', 'data-test': 'book'}));
        return;
      }
      next.replaceChildren(h('p', null, `${APPOINTMENT_TYPES[upcoming.type]} with ${upcoming.staffName}, `, timeElement(upcoming.start), '. '),
        h('div', {class: 'actions'}, link(`#/appointments/${upcoming.id}`, 'Details', {class: 'button secondary'}),
          videoOpen(upcoming) ? link(`#/video/${upcoming.id}`, 'Join video consultation', {class: 'button primary', 'data-test': 'join-video'}) : null));
    })
    .catch((error) => next.replaceChildren(errorBox(error)));

  const kinds = ['spo2', 'heart-rate', 'pulse-rate', 'respiratory-rate', 'body-temperature', 'systolic-bp']
    .filter((kind) => latest.vitals.some((reading) => reading.kind === kind));
  const titles = Object.fromEntries(kinds.map((kind) => [kind, VITALS[kind].plain]));
  const stopTrends = kinds.length
    ? renderTrends(trends, {patientId, kinds, compact: true, titles, range: query.range, onRange: (range) => replaceQuery({range})})
    : (trends.replaceChildren(h('p', {class: 'empty'}, 'Nothing to show yet.')), () => {});

  const stops = [
    live.on('vitals', ({vitals}) => vitals?.patientId === patientId && draw(vitals)),
    // Readings are not replayed after a reconnect: the latest are read again.
    live.on('ready', () => api.get(`/api/v1/patients/${patientId}/vitals/latest`).then(draw, () => {})),
  ];
  return () => {
    stops.forEach((stop) => stop());
    stopTrends();
  };
}
