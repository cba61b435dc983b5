// The parts of the working-hours form that repeat: a span of hours (weekday, from, until, where), a date whose hours
// differ from its weekday's (or a day off), and the way back from the hub's error fields to the control at fault.

import {h, field, button} from '/console/dom.js';

export const WEEKDAYS = [['monday', 'Monday'], ['tuesday', 'Tuesday'], ['wednesday', 'Wednesday'], ['thursday', 'Thursday'], ['friday', 'Friday'],
  ['saturday', 'Saturday'], ['sunday', 'Sunday']];
export const LOCATIONS = [['clinic', 'Clinic'], ['home', 'Home visits'], ['video', 'Video']];

// A time input cannot say 24:00, the hub's end of a day. An end of 00:00 can mean nothing else (a span must end
// after it starts), so it stands for midnight at the day's end.
const toEnd = (value) => (value === '00:00' ? '24:00' : value);
const fromEnd = (value) => (value === '24:00' ? '00:00' : value);

/**
 * One span of hours as a row of labelled fields and a remove button. With `weekday`, a weekly span (it has a day);
 * without, a span of a date override. `path(prefix)` names the controls for the hub's error fields (`weekly[2]`).
 */
export function spanRow({span = {}, weekday = false, onRemove}) {
  const day = weekday ? field({label: 'Day', name: 'weekday', type: 'select', options: WEEKDAYS, value: span.weekday ?? 'monday', test: 'hours-weekday'}) : null;
  const start = field({label: 'From', name: 'start', type: 'time', value: span.start ?? '09:00', test: 'hours-start'});
  const end = field({label: 'Until', name: 'end', type: 'time', value: fromEnd(span.end ?? '17:00'), test: 'hours-end'});
  const location = field({label: 'Where', name: 'location', type: 'select', options: LOCATIONS, value: span.location ?? 'clinic', test: 'hours-location'});
  const label = h('span', {class: 'visually-hidden'});
  const remove = button(['Remove', label], () => onRemove(row), {class: 'button secondary small', 'data-test': 'remove-hours'});
  const element = h('li', {class: 'hours-row', 'data-test': weekday ? 'weekly-hours' : 'override-hours'}, day?.wrap, start.wrap, end.wrap, location.wrap, remove);
  // Each row's remove button is named after its hours, so a list of them reads as more than "Remove, Remove".
  const describe = () => {
    label.textContent = ` ${day ? `${WEEKDAYS.find(([value]) => value === day.control.value)?.[1]} ` : ''}${start.control.value}–${end.control.value}`;
  };
  for (const control of [day?.control, start.control, end.control]) control?.addEventListener('change', describe);
  describe();
  const row = {
    element,
    remove,
    first: (day ?? start).control,
    value: () => ({...(day ? {weekday: day.control.value} : {}), start: start.control.value, end: toEnd(end.control.value), location: location.control.value}),
    /** Names the controls after the span's place in the document about to be sent (`weekly[2]`). */
    path(prefix) {
      if (day) day.control.dataset.field = `${prefix}.weekday`;
      start.control.dataset.field = `${prefix}.start`;
      end.control.dataset.field = `${prefix}.end`;
    },
  };
  return row;
}

function later(time, hours) {
  const [hour, minute] = time.split(':').map(Number);
  const minutes = Math.min(24 * 60, hour * 60 + minute + hours * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The row "Add hours" makes after `last`: the next day's same hours for a week, the next hour on one date. */
function nextSpan(last, weekday) {
  if (!last) return {};
  if (weekday) {
    const index = WEEKDAYS.findIndex(([value]) => value === last.weekday);
    return {...last, weekday: WEEKDAYS[(index + 1) % 7][0]};
  }
  return last.end === '24:00' ? {location: last.location} : {start: last.end, end: later(last.end, 1), location: last.location};
}

/** A list of span rows with an "Add hours" button; `rows` is kept in the order shown. */
export function spanList({spans = [], weekday, addLabel, addTest}) {
  const list = h('ol', {class: 'hours-list'});
  const rows = [];
  const add = button(addLabel, () => append(nextSpan(rows.at(-1)?.value(), weekday)).first.focus(), {class: 'button secondary', 'data-test': addTest});
  function append(span) {
    const row = spanRow({span, weekday, onRemove: (gone) => {
      const index = rows.indexOf(gone);
      rows.splice(index, 1);
      gone.element.remove();
      // Focus goes to the row that took its place, else the one before, else the add button.
      const next = rows[index] ?? rows[index - 1];
      (next ? next.remove : add).focus();
    }});
    rows.push(row);
    list.append(row.element);
    return row;
  }
  spans.forEach(append);
  return {element: h('div', {class: 'hours-block'}, list, h('div', {class: 'actions compact'}, add)), rows};
}

/** A date with its own hours; "Day off" leaves it with none. */
export function overrideCard({override = {date: '', hours: []}, onRemove}) {
  const date = field({label: 'Date', name: 'date', type: 'date', value: override.date, required: true, test: 'override-date'});
  const dayOff = field({label: 'Day off (no hours)', name: 'dayOff', type: 'checkbox', value: !override.hours.length, test: 'override-day-off'});
  const spans = spanList({spans: override.hours.length ? override.hours : [{}], weekday: false, addLabel: 'Add hours on this date', addTest: 'add-override-hours'});
  const remove = button('Remove this date', () => onRemove(card), {class: 'button secondary small', 'data-test': 'remove-override'});
  const sync = () => { spans.element.hidden = dayOff.control.checked; };
  dayOff.control.addEventListener('change', sync);
  sync();
  const element = h('li', {class: 'override card', 'data-test': 'override'}, h('div', {class: 'inline-form'}, date.wrap, dayOff.wrap), spans.element,
    h('div', {class: 'actions compact'}, remove));
  const card = {
    element,
    remove,
    first: date.control,
    date: () => date.control.value,
    value: () => ({date: date.control.value, hours: dayOff.control.checked ? [] : spans.rows.map((row) => row.value())}),
    path(prefix) {
      date.control.dataset.field = `${prefix}.date`;
      dayOff.control.dataset.field = `${prefix}.hours`;
      spans.rows.forEach((row, index) => row.path(`${prefix}.hours[${index}]`));
    },
    spanRows: () => (dayOff.control.checked ? [] : spans.rows),
  };
  return card;
}

/** The rows of one day whose hours overlap: the later of the first pair, as the hub checks them. */
function overlapping(rows) {
  const sorted = rows.map((row) => ({row, ...row.value()})).sort((a, b) => a.start.localeCompare(b.start));
  for (let index = 1; index < sorted.length; index += 1) if (sorted[index].start < sorted[index - 1].end) return sorted[index].row;
  return rows[0];
}

/**
 * The control for an error field of the hub's second check, which names spans by day rather than by place in the
 * document: `weekly.monday[1]` (Monday's second span), `weekly.monday` (Monday's spans overlap),
 * `overrides.2026-12-24[0]`, `overrides.2026-12-24`. Returns the field path of the control to mark, or null.
 */
export function locateField(name, {weeklyRows, cards}) {
  const match = /^(weekly|overrides)\.([a-z0-9-]+)(?:\[(\d+)\])?$/.exec(name ?? '');
  if (!match) return null;
  const [, part, key, index] = match;
  const rows = part === 'weekly' ? weeklyRows.filter((row) => row.value().weekday === key) : cards.find((card) => card.date() === key)?.spanRows() ?? [];
  const row = index === undefined ? overlapping(rows) : rows[Number(index)];
  const control = row?.element.querySelector(index === undefined ? '[data-test="hours-start"]' : '[data-test="hours-end"]');
  return control?.dataset.field ?? cards.find((card) => card.date() === key)?.element.querySelector('[data-test="override-date"]').dataset.field ?? null;
}
