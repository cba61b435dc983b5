// A staff member's time off: stretches of real time (not wall-clock hours) in which no slot is offered, entered and
// shown in this browser's time zone. Listed from now on; past time off drops out.

import {api} from '/console/api.js';
import {h, field, busy, showError, clearErrors, flash, errorBox, table, button, fill} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeElement, formatTime, browserTimeZone} from '/console/format.js';

export function timeOffSection(id) {
  const listBox = h('div');
  const title = h('h2', {id: 'time-off-title', tabindex: '-1'}, 'Time off');
  const start = field({label: 'From', name: 'start', type: 'datetime-local', required: true, test: 'time-off-start'});
  const end = field({label: 'Until', name: 'end', type: 'datetime-local', required: true, test: 'time-off-end'});
  const reason = field({label: 'Reason (optional)', name: 'reason', test: 'time-off-reason', attrs: {maxlength: 200},
    hint: 'Only this person and admins see it; patients see only that no slot is free.'});
  const add = h('button', {type: 'submit', class: 'button primary', 'data-test': 'add-time-off'}, 'Add time off');
  const form = h('form', {class: 'card form-grid', novalidate: true}, start.wrap, end.wrap, reason.wrap, h('div', {class: 'actions'}, add));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!start.control.value) return showError(form, {message: 'Choose when the time off starts.', field: 'start'});
    if (!end.control.value) return showError(form, {message: 'Choose when it ends.', field: 'end'});
    const body = {start: new Date(start.control.value).toISOString(), end: new Date(end.control.value).toISOString()};
    if (reason.control.value.trim()) body.reason = reason.control.value.trim();
    try {
      await busy(add, () => api.post(`/api/v1/staff/${id}/time-off`, body));
      form.reset();
      flash(form, 'Time off added. No slots are offered in it.');
      await load();
    } catch (error) {
      showError(form, error);
    }
  });

  async function remove(item) {
    const done = await dialog({title: 'Delete this time off?', describe: `${formatTime(item.start)} to ${formatTime(item.end)}: its slots can be booked again.`,
      body: h('div'), confirmLabel: 'Delete', danger: true, onConfirm: async () => {
        await api.delete(`/api/v1/staff/${id}/time-off/${item.id}`);
        return true; // the hub answers 204, which the dialog would take for "dismissed"
      }});
    if (!done) return;
    const index = [...listBox.querySelectorAll('[data-test="delete-time-off"]')].findIndex((control) => control === document.activeElement);
    await load();
    // The row and its button are gone: the keyboard goes to the next row's, or to the section's heading.
    const buttons = listBox.querySelectorAll('[data-test="delete-time-off"]');
    (buttons[index] ?? buttons[index - 1] ?? title).focus();
  }

  async function load() {
    try {
      const {items} = await api.get(`/api/v1/staff/${id}/time-off`);
      fill(listBox, table({caption: 'Time off from now on', rows: items, empty: 'No time off ahead.',
        rowAttrs: (item) => ({'data-test': 'time-off', 'data-time-off-id': item.id}), columns: [
          {label: 'From', render: (item) => timeElement(item.start, {absoluteOnly: true})},
          {label: 'Until', render: (item) => timeElement(item.end, {absoluteOnly: true})},
          {label: 'Reason', render: (item) => item.reason || h('span', {class: 'muted'}, '—')},
          {label: 'Actions', render: (item) => button('Delete…', () => remove(item), {class: 'button secondary small', 'data-test': 'delete-time-off'})},
        ]}));
    } catch (error) {
      fill(listBox, errorBox(error));
    }
  }
  load();
  return h('section', {'aria-labelledby': 'time-off-title'}, title,
    h('p', {class: 'muted'}, `Times in this browser’s time zone (${browserTimeZone()}).`), form, listBox);
}
