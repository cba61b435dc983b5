// A caregiver's or technician's working hours (kept by themself, or by an admin): time zone, buffer, appointment
// lengths, weekly hours per location and dates that differ; and their time off. Patients book from the free slots
// these leave.

import {api} from '/console/api.js';
import {h, heading, field, button, busy, showError, clearErrors, flash, errorBox, link, fill, add} from '/console/dom.js';
import {ROLE_WORDS, APPOINTMENT_TYPES, timeElement, timeZoneOptions, browserTimeZone} from '/console/format.js';
import {spanList, overrideCard, locateField} from '/console/hours-form.js';
import {timeOffSection} from '/console/hours-time-off.js';

const DEFAULT_MINUTES = {'home-visit': 45, 'clinic-visit': 30, 'video-consultation': 20, 'device-check': 30};
// The appointments each role is booked for (README "Appointments"): caregivers visit, technicians check devices.
const TYPES_FOR = {caregiver: ['home-visit', 'clinic-visit', 'video-consultation'], technician: ['device-check']};

/** `/hours`: the signed-in person's own; `/staff/:id/hours`: anyone's, for admins. */
export async function render(main, {params, account}) {
  const id = params.id ? Number(params.id) : account.id;
  let person = account;
  if (id !== account.id) {
    try {
      person = await api.get(`/api/v1/accounts/${id}`);
    } catch (error) {
      main.append(heading(1, 'Working hours'), errorBox(error));
      return;
    }
  }
  const own = id === account.id;
  add(main, heading(1, own ? 'My hours' : `Hours: ${person.displayName}`),
    own ? null : h('p', null, `${ROLE_WORDS[person.role] ?? person.role}${person.title ? ` (${person.title})` : ''}. `, link('#/admin/accounts', 'Back to accounts')));
  if (!TYPES_FOR[person.role]) {
    main.append(h('p', {class: 'empty'}, 'Only caregivers and technicians keep working hours.'));
    return;
  }
  const hoursBox = h('div');
  main.append(h('section', {'aria-labelledby': 'hours-title'}, h('h2', {id: 'hours-title'}, 'Working hours'),
    h('p', {class: 'muted'}, 'Patients can book the free slots in these hours. Bookings already made stay as they are.'), hoursBox),
  timeOffSection(id));
  try {
    const answer = await api.get(`/api/v1/staff/${id}/availability`);
    fill(hoursBox, hoursForm(id, person, answer));
  } catch (error) {
    fill(hoursBox, errorBox(error));
  }
}

function hoursForm(id, person, answer) {
  let stored = answer.availability;
  const zone = field({label: 'Time zone', name: 'timeZone', type: 'select', value: stored?.timeZone ?? browserTimeZone(), test: 'hours-time-zone',
    options: timeZoneOptions(stored?.timeZone, browserTimeZone()), hint: 'Hours are wall-clock times here, daylight saving included.'});
  const buffer = field({label: 'Buffer around each appointment (minutes)', name: 'bufferMinutes', type: 'number', value: stored?.bufferMinutes ?? 0,
    test: 'hours-buffer', attrs: {min: 0, max: 120, step: 5, inputmode: 'numeric'}, hint: '0 to 120; kept free before and after.'});
  const lengths = TYPES_FOR[person.role].map((type) => [type, field({label: `${APPOINTMENT_TYPES[type]} (minutes)`, name: `minutes.${type}`, type: 'number',
    value: stored?.minutes?.[type] ?? '', test: `hours-minutes-${type}`, attrs: {min: 5, max: 480, step: 5, inputmode: 'numeric', placeholder: String(DEFAULT_MINUTES[type])},
    hint: `Empty for the usual ${DEFAULT_MINUTES[type]} minutes.`})]);
  const status = h('p', {class: 'muted', role: 'status'});
  const weekly = h('div');
  const overrideList = h('ol', {class: 'override-list'});
  let weeklyRows = [];
  let cards = [];

  function addCard(override) {
    const card = overrideCard({override, onRemove: (gone) => {
      const index = cards.indexOf(gone);
      cards.splice(index, 1);
      gone.element.remove();
      const next = cards[index] ?? cards[index - 1];
      (next ? next.remove : addDate).focus();
    }});
    cards.push(card);
    overrideList.append(card.element);
    return card;
  }
  const addDate = button('Add a date with other hours', () => addCard({date: '', hours: [{}]}).first.focus(), {class: 'button secondary', 'data-test': 'add-override'});
  const addDayOff = button('Add a day off', () => addCard({date: '', hours: []}).first.focus(), {class: 'button secondary', 'data-test': 'add-day-off'});

  /** Shows `availability` (as stored): the lists are rebuilt, the buttons and the fields above them stay. */
  function show(availability, updatedAt) {
    const spans = spanList({spans: availability?.weekly ?? [], weekday: true, addLabel: 'Add hours', addTest: 'add-weekly-hours'});
    weeklyRows = spans.rows;
    fill(weekly, spans.element);
    cards = [];
    overrideList.replaceChildren();
    for (const override of availability?.overrides ?? []) addCard(override);
    fill(status, availability ? ['Last changed ', timeElement(updatedAt)] : 'No hours set up yet: nobody can book an appointment with this person until there are some.');
  }

  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'save-hours'}, 'Save hours');
  const form = h('form', {class: 'card hours-form', novalidate: true}, status,
    h('div', {class: 'form-grid'}, zone.wrap, buffer.wrap, lengths.map(([, item]) => item.wrap)),
    h('fieldset', null, h('legend', null, 'Every week'), h('p', {class: 'hint'}, 'An end of 00:00 (12:00 AM) is midnight, the end of the day. Spans of one day may touch but not overlap.'), weekly),
    h('fieldset', null, h('legend', null, 'Dates that differ'), h('p', {class: 'hint'}, 'A date listed here has only the hours given for it, or none on a day off.'),
      overrideList, h('div', {class: 'actions compact'}, addDate, addDayOff)),
    h('div', {class: 'actions'}, save));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    // The hub checks these too; asked first here, the answer reads as a sentence rather than a field name.
    const number = (control) => (control.value === '' ? null : Number(control.value));
    if (number(buffer.control) !== null && !(Number.isInteger(number(buffer.control)) && number(buffer.control) >= 0 && number(buffer.control) <= 120)) {
      return showError(form, {message: 'Give the buffer as whole minutes from 0 to 120.', field: 'bufferMinutes'});
    }
    for (const [type, item] of lengths) {
      const value = number(item.control);
      if (value !== null && !(Number.isInteger(value) && value >= 5 && value <= 480 && value % 5 === 0)) {
        return showError(form, {message: 'An appointment lasts 5 to 480 minutes, in steps of 5.', field: `minutes.${type}`});
      }
    }
    // Types this view does not show (another role's) keep what was stored.
    const minutes = {...(stored?.minutes ?? {})};
    for (const [type, item] of lengths) {
      if (item.control.value === '') delete minutes[type];
      else minutes[type] = Number(item.control.value);
    }
    weeklyRows.forEach((row, index) => row.path(`weekly[${index}]`));
    cards.forEach((card, index) => card.path(`overrides[${index}]`));
    const body = {
      timeZone: zone.control.value,
      bufferMinutes: number(buffer.control) ?? 0,
      minutes,
      weekly: weeklyRows.map((row) => row.value()),
      overrides: cards.map((card) => card.value()),
    };
    try {
      const saved = await busy(save, () => api.put(`/api/v1/staff/${id}/availability`, body));
      stored = saved.availability;
      show(stored, saved.updatedAt);
      flash(form, 'Hours saved.');
    } catch (error) {
      showError(form, error, {fallbackField: (name) => locateField(name, {weeklyRows, cards})});
    }
  });
  show(stored, answer.updatedAt);
  return form;
}
