// Appointments: the caller's list (upcoming first), an appointment's page with its history, and the lifecycle
// actions the caller's part allows (README "Appointments": starting, completing and no-shows are the staff member's;
// confirming, cancelling and rescheduling anyone's who may see it).

import {api, getAll} from '/console/api.js';
import {h, heading, button, busy, field, errorBox, facts, flash, errorText, link, add, liveTable} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeElement, formatClock, formatTime, APPOINTMENT_TYPES, APPOINTMENT_STATUS} from '/console/format.js';
import {slotPicker} from '/console/view-booking.js';

const OPEN = new Set(['scheduled', 'confirmed', 'started']);
const ROOM_OPENS_BEFORE = 30 * 60_000;
const ROOM_CLOSES_AFTER = 60 * 60_000;

/** Whether the video room of a consultation is open now for its participants (VideoSignalling.swift). */
export function videoOpen(appointment, now = Date.now()) {
  return appointment.type === 'video-consultation' && Boolean(appointment.videoRoom) && OPEN.has(appointment.status) &&
    now >= new Date(appointment.start).getTime() - ROOM_OPENS_BEFORE && now <= new Date(appointment.end).getTime() + ROOM_CLOSES_AFTER;
}

function statusBadge(status) {
  return h('span', {class: ['status', `appointment-${status}`]}, APPOINTMENT_STATUS[status] ?? status);
}

function cancelDialog(appointment) {
  const reason = field({label: 'Reason', name: 'reason', type: 'textarea', required: true, test: 'cancel-reason', attrs: {rows: 2, maxlength: 500, minlength: 1}});
  return dialog({
    title: 'Cancel appointment',
    describe: `${APPOINTMENT_TYPES[appointment.type]} on ${formatTime(appointment.start)}. The time becomes free for others.`,
    body: reason.wrap,
    confirmLabel: 'Cancel appointment',
    cancelLabel: 'Keep it',
    danger: true,
    onConfirm: () => api.post(`/api/v1/appointments/${appointment.id}/cancel`, {reason: reason.control.value.trim()}),
  });
}

/** The actions on a row of the list: confirm, cancel, join the video room. */
function rowActions(appointment, account, reload) {
  const box = h('div', {class: 'actions compact'});
  const report = (error) => flash(box, errorText(error), {kind: 'error', timeout: 10_000});
  if (videoOpen(appointment) && (account.role === 'patient' || account.id === appointment.staffId)) {
    box.append(link(`#/video/${appointment.id}`, 'Join video', {class: 'button primary small', 'data-test': 'join-video'}));
  }
  if (appointment.status === 'scheduled') {
    box.append(button('Confirm', async (event) => {
      try {
        await busy(event.currentTarget, () => api.action(`/api/v1/appointments/${appointment.id}/confirm`));
        reload();
      } catch (error) {
        report(error);
      }
    }, {class: 'button secondary small', 'data-test': 'confirm-appointment'}));
  }
  if (appointment.status === 'scheduled' || appointment.status === 'confirmed') {
    box.append(button('Cancel…', async () => {
      if (await cancelDialog(appointment)) reload();
    }, {class: 'button secondary small', 'data-test': 'cancel-appointment'}));
  }
  return box.children.length ? box : h('span', {class: 'muted'}, 'None');
}

export async function renderList(main, {account}) {
  const canBook = account.role !== 'technician';
  add(main, heading(1, account.role === 'patient' ? 'My appointments' : 'Appointments'),
    canBook ? h('p', null, link('#/appointments/book', 'Book an appointment', {class: 'button primary', 'data-test': 'book'})) : null);
  const upcomingBox = h('div', null, h('p', {class: 'loading'}, 'Loading…'));
  const pastBox = h('div');
  main.append(h('section', {'aria-labelledby': 'upcoming-title'}, h('h2', {id: 'upcoming-title'}, 'Upcoming'), upcomingBox),
    h('section', {'aria-labelledby': 'past-title'}, h('h2', {id: 'past-title'}, 'Past and cancelled (last 30 days)'), pastBox));

  const columns = [
    {label: 'When', render: (item) => h('a', {href: `#/appointments/${item.id}`}, `${formatTime(item.start)}–${formatClock(item.end)}`)},
    {label: 'Type', render: (item) => APPOINTMENT_TYPES[item.type] ?? item.type},
    account.role !== 'patient' && account.role !== 'technician' ? {label: 'Patient', render: (item) => item.patientName ?? `Patient ${item.patientId}`} : null,
    account.role !== 'technician' ? {label: 'With', render: (item) => item.staffName} : null,
    {label: 'Status', render: (item) => statusBadge(item.status)},
    {label: 'Actions', render: (item) => rowActions(item, account, load), className: 'actions-cell'},
  ].filter(Boolean);
  const rowAttrs = (item) => ({'data-test': 'appointment', 'data-appointment-id': item.id, 'data-status': item.status});

  // Tables that stay in place while the timer below reads the list again: the keyboard stays on its row.
  const upcomingTable = liveTable({caption: 'Upcoming appointments', columns, rowAttrs, key: (item) => item.id, empty: 'No upcoming appointments.'});
  const pastTable = liveTable({caption: 'Past and cancelled appointments', columns, rowAttrs, key: (item) => item.id, empty: 'None.'});

  async function load() {
    try {
      const items = await getAll('/api/v1/appointments', {from: new Date(Date.now() - 30 * 86400_000).toISOString()}, 1000);
      const now = Date.now();
      const upcoming = items.filter((item) => OPEN.has(item.status) && new Date(item.end).getTime() + ROOM_CLOSES_AFTER >= now);
      const past = items.filter((item) => !upcoming.includes(item)).reverse();
      if (!upcomingBox.contains(upcomingTable.element)) upcomingBox.replaceChildren(upcomingTable.element);
      if (!pastBox.contains(pastTable.element)) pastBox.replaceChildren(pastTable.element);
      upcomingTable.update(upcoming);
      pastTable.update(past);
    } catch (error) {
      upcomingBox.replaceChildren(errorBox(error));
    }
  }
  await load();
  // The video button appears when the room opens, without a reload.
  const timer = setInterval(load, 60_000);
  return () => clearInterval(timer);
}

const ACTION_WORDS = {booked: 'Booked', confirm: 'Confirmed', start: 'Started', complete: 'Completed', cancel: 'Cancelled', 'no-show': 'Marked as not attended', reschedule: 'Moved'};

export async function renderDetail(main, {params, query, account}) {
  const id = Number(params.id);
  const box = h('div');
  main.append(heading(1, 'Appointment'), box);

  async function load() {
    let detail;
    try {
      detail = await api.get(`/api/v1/appointments/${id}`);
    } catch (error) {
      box.replaceChildren(errorBox(error));
      return;
    }
    const appointment = detail.appointment;
    main.querySelector('h1').textContent = `${APPOINTMENT_TYPES[appointment.type] ?? appointment.type}, ${formatTime(appointment.start)}`;
    const actions = h('div', {class: 'actions'});
    const report = (error) => flash(actions, errorText(error), {kind: 'error', timeout: 10_000});
    const act = (label, path, test) => button(label, async (event) => {
      try {
        await busy(event.currentTarget, () => api.action(`/api/v1/appointments/${id}/${path}`));
        load();
      } catch (error) {
        report(error);
      }
    }, {class: 'button secondary', 'data-test': test});
    const isStaff = account.id === appointment.staffId || account.role === 'admin';
    if (videoOpen(appointment) && (account.role === 'patient' || account.id === appointment.staffId)) {
      actions.append(link(`#/video/${id}`, 'Join video consultation', {class: 'button primary', 'data-test': 'join-video'}));
    }
    if (appointment.status === 'scheduled') actions.append(act('Confirm', 'confirm', 'confirm-appointment'));
    // The hub takes a start from 15 minutes before, and a no-show once the time has come.
    const now = Date.now();
    const start = new Date(appointment.start).getTime();
    const waiting = appointment.status === 'scheduled' || appointment.status === 'confirmed';
    if (isStaff && waiting && now >= start - 15 * 60_000) actions.append(act('Start', 'start', 'start-appointment'));
    if (isStaff && appointment.status === 'started') actions.append(act('Complete', 'complete', 'complete-appointment'));
    if (isStaff && waiting && now >= start) actions.append(act('Did not attend', 'no-show', 'no-show'));
    if (appointment.status === 'scheduled' || appointment.status === 'confirmed') {
      actions.append(button('Reschedule…', () => reschedule(appointment), {class: 'button secondary', 'data-test': 'reschedule'}),
        button('Cancel…', async () => { if (await cancelDialog(appointment)) load(); }, {class: 'button secondary', 'data-test': 'cancel-appointment'}));
    }
    box.replaceChildren(
      h('div', {'data-test': 'appointment', 'data-appointment-id': id, 'data-status': appointment.status},
        facts([
          ['Status', statusBadge(appointment.status)],
          ['When', `${formatTime(appointment.start)} to ${formatClock(appointment.end)}`],
          ['Type', APPOINTMENT_TYPES[appointment.type] ?? appointment.type],
          appointment.patientName ? ['Patient', account.role === 'patient' ? appointment.patientName : h('a', {href: `#/patients/${appointment.patientId}`}, appointment.patientName)] : null,
          ['With', appointment.staffName],
          appointment.note ? ['Note', appointment.note] : null,
          appointment.revision ? ['Rescheduled', `${appointment.revision} time${appointment.revision === 1 ? '' : 's'}`] : null,
        ]),
        actions),
      h('section', {'aria-labelledby': 'appointment-history'}, h('h2', {id: 'appointment-history'}, 'History'),
        h('ol', {class: 'timeline'}, detail.history.map((entry) => h('li', null, timeElement(entry.at, {absoluteOnly: true}), ' ',
          `${ACTION_WORDS[entry.action] ?? entry.action}: ${formatTime(entry.start)}–${formatClock(entry.end)}, ${APPOINTMENT_STATUS[entry.status] ?? entry.status}`,
          entry.reason ? ` (“${entry.reason}”)` : '')))));
  }

  async function reschedule(appointment) {
    const pickerBox = h('div', {class: 'slots'});
    const reason = field({label: 'Reason (optional)', name: 'reason', attrs: {maxlength: 500}});
    let chosen = null;
    const summary = h('p', {role: 'status'}, 'Choose a new time.');
    // Inside this dialog the slot buttons choose rather than book; the dialog's own button makes the change.
    slotPicker(pickerBox, {staffId: appointment.staffId, type: appointment.type, onPick: (slot) => {
      chosen = slot;
      summary.textContent = `New time: ${formatTime(slot.start)}.`;
      for (const other of pickerBox.querySelectorAll('[data-test="slot"]')) other.setAttribute('aria-pressed', String(other.dataset.start === slot.start));
    }});
    const moved = await dialog({
      title: 'Move appointment',
      body: h('div', null, reason.wrap, summary, pickerBox),
      confirmLabel: 'Move',
      onConfirm: () => {
        if (!chosen) throw {message: 'Choose a new time first.'};
        return api.post(`/api/v1/appointments/${appointment.id}/reschedule`, {start: chosen.start, reason: reason.control.value.trim() || undefined});
      },
    });
    if (moved) load();
  }

  await load();
  if (query.booked) flash(box, 'Booked. You will get a reminder a day and an hour before.', {timeout: 10_000});
}
