// Booking: whom the patient can book (their care team, technicians for device checks), that person's free slots a
// week at a time, and the booking itself. Of two people taking one slot at once, the hub gives it to one and answers
// the other 409: the slots are then read again.

import {api} from '/console/api.js';
import {h, heading, field, errorBox, errorText} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {navigate} from '/console/router.js';
import {formatClock, formatDay, formatTime, APPOINTMENT_TYPES} from '/console/format.js';
import {state} from '/console/store.js';

const WEEK_MS = 7 * 86400_000;

/**
 * A week of `staffId`'s free slots for `type`, by day, as buttons; `onPick(slot)` is called with the chosen one.
 * Returns {reload} so a caller can show the slots again after a conflict.
 */
export function slotPicker(container, {staffId, type, onPick}) {
  let weekStart = Date.now();
  const status = h('p', {class: 'muted', role: 'status'});
  const days = h('div', {class: 'slot-days'});
  const previous = h('button', {type: 'button', class: 'button secondary small', on: {click: () => move(-1)}}, '← Earlier week');
  const next = h('button', {type: 'button', class: 'button secondary small', on: {click: () => move(1)}}, 'Later week →');
  container.replaceChildren(h('div', {class: 'slot-nav'}, previous, status, next), days);

  function move(direction) {
    weekStart = Math.max(Date.now(), weekStart + direction * WEEK_MS);
    load();
  }

  async function load() {
    previous.disabled = weekStart <= Date.now() + 1000;
    const from = new Date(weekStart);
    const to = new Date(weekStart + WEEK_MS);
    status.textContent = `Loading free times from ${formatDay(from)} to ${formatDay(to)}…`;
    days.replaceChildren();
    try {
      const answer = await api.get(`/api/v1/staff/${staffId}/slots`, {type, from: from.toISOString(), to: to.toISOString()});
      const byDay = new Map();
      for (const slot of answer.items) {
        const key = new Date(slot.start).toDateString();
        if (!byDay.has(key)) byDay.set(key, []);
        byDay.get(key).push(slot);
      }
      status.textContent = answer.items.length
        ? `${answer.items.length} free times from ${formatDay(from)} to ${formatDay(to)} (${answer.minutes} minutes each).`
        : `No free times from ${formatDay(from)} to ${formatDay(to)}. Try a later week.`;
      days.replaceChildren(...[...byDay.values()].map((slots) => h('section', {class: 'slot-day'},
        h('h3', null, formatDay(slots[0].start)),
        h('div', {class: 'slot-list'}, slots.map((slot) => h('button', {
          type: 'button', class: 'button slot', 'data-test': 'slot', 'data-start': slot.start,
          'aria-label': `${formatTime(slot.start)} to ${formatClock(slot.end)}`, on: {click: () => onPick(slot)},
        }, formatClock(slot.start)))))));
    } catch (error) {
      status.textContent = '';
      days.replaceChildren(errorBox(error));
    }
  }

  load();
  return {reload: load};
}

export async function render(main, {query, account}) {
  main.append(heading(1, 'Book an appointment'));
  const form = h('form', {class: 'card form-grid', novalidate: true});
  const slotsBox = h('div', {class: 'slots'});
  main.append(form, h('section', {'aria-labelledby': 'slots-title'}, h('h2', {id: 'slots-title'}, 'Free times'), slotsBox));
  form.addEventListener('submit', (event) => event.preventDefault());

  let patientId = account.role === 'patient' ? account.patientId : Number(query.patientId) || null;
  let patientField = null;
  if (account.role !== 'patient') {
    const options = [...state.patients.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)).map((patient) => [String(patient.id), patient.displayName]);
    if (!options.length) {
      main.append(h('p', {class: 'empty'}, 'There are no patients you can book for.'));
      return;
    }
    patientId ??= Number(options[0][0]);
    patientField = field({label: 'Patient', name: 'patientId', type: 'select', options, value: patientId, test: 'book-patient'});
    form.append(patientField.wrap);
  }
  const staffField = field({label: 'With', name: 'staffId', type: 'select', options: [], test: 'book-staff'});
  const typeField = field({label: 'Type of appointment', name: 'type', type: 'select', options: [], test: 'book-type'});
  form.append(staffField.wrap, typeField.wrap);

  let staff = [];
  async function loadStaff() {
    try {
      ({items: staff} = await api.get(`/api/v1/patients/${patientId}/bookable-staff`));
    } catch (error) {
      slotsBox.replaceChildren(errorBox(error));
      return;
    }
    staffField.control.replaceChildren(...staff.map((person) => h('option', {value: String(person.id)},
      `${person.displayName}${person.title ? ` (${person.title})` : person.role === 'technician' ? ' (technician)' : ''}`)));
    if (!staff.length) {
      slotsBox.replaceChildren(h('p', {class: 'empty'}, 'Nobody can be booked for this patient yet: the care team has no caregivers.'));
      typeField.control.replaceChildren();
      return;
    }
    if (query.staffId && staff.some((person) => String(person.id) === query.staffId)) staffField.control.value = query.staffId;
    loadTypes();
  }

  function loadTypes() {
    const person = staff.find((item) => String(item.id) === staffField.control.value);
    typeField.control.replaceChildren(...(person?.types ?? []).map((type) => h('option', {value: type}, APPOINTMENT_TYPES[type] ?? type)));
    if (query.type && person?.types.includes(query.type)) typeField.control.value = query.type;
    showSlots();
  }

  let picker = null;
  function showSlots() {
    const staffId = Number(staffField.control.value);
    const type = typeField.control.value;
    if (!staffId || !type) return;
    picker = slotPicker(slotsBox, {staffId, type, onPick: (slot) => book(slot, staffId, type)});
  }

  async function book(slot, staffId, type) {
    const person = staff.find((item) => item.id === staffId);
    const note = field({label: 'Note for the appointment (optional)', name: 'note', type: 'textarea', attrs: {rows: 3, maxlength: 1000},
      hint: 'Seen by the people taking part; never in calendar feeds.'});
    try {
      const appointment = await dialog({
        title: 'Book this appointment?',
        describe: `${APPOINTMENT_TYPES[type]} with ${person?.displayName ?? 'staff'}, ${formatTime(slot.start)} to ${formatClock(slot.end)}.`,
        body: note.wrap,
        confirmLabel: 'Book',
        onConfirm: () => api.post('/api/v1/appointments', {patientId, staffId, type, start: slot.start, note: note.control.value.trim() || undefined}),
      });
      if (appointment) navigate(`/appointments/${appointment.id}`, {booked: '1'});
      else picker?.reload();
    } catch (error) {
      slotsBox.prepend(h('p', {class: 'form-error', role: 'alert'}, errorText(error)));
    }
  }

  patientField?.control.addEventListener('change', () => {
    patientId = Number(patientField.control.value);
    loadStaff();
  });
  staffField.control.addEventListener('change', loadTypes);
  typeField.control.addEventListener('change', showSlots);
  await loadStaff();
}
