// What the report views share: the period form (whole days in this browser's time zone, the last 7 by default) and
// the hub's CSV and printable page, fetched with the session's token and handed to the browser as files.

import {fetchFile} from '/console/api.js';
import {h, field, button, busy, showError, clearErrors} from '/console/dom.js';

/** "2026-12-08": a date input's value for `date` in this browser's time zone. */
export function localDate(date) {
  const pad = (number) => String(number).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysAgo(days) {
  const date = new Date();
  date.setDate(date.getDate() - days);
  return localDate(date);
}

/** Saves `blob` as a file called `name`, as a link with `download` would. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const anchor = h('a', {href: url, download: name, hidden: true});
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download reads the blob after the click returns: revoking at once could cut it off.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The period form above a report: from and to (inclusive days), "Show report", "Download CSV" and "Printable page".
 * `path` is the report's API path; `fileStem` starts the saved files' names, which end with the period.
 * `onShow(period, days)` draws the report for the period (instants) and the days chosen (the dates as typed); `show()`
 * runs it for what the form says.
 */
export function reportControls({query, path, fileStem, onShow}) {
  const today = localDate(new Date());
  const from = field({label: 'From', name: 'from', type: 'date', value: query.from || daysAgo(6), required: true, test: 'report-from', attrs: {max: today}});
  const to = field({label: 'To', name: 'to', type: 'date', value: query.to || today, required: true, test: 'report-to', attrs: {max: today},
    hint: 'Both days count whole (today up to now). At most 31 days.'});
  const showButton = h('button', {type: 'submit', class: 'button primary', 'data-test': 'show-report'}, 'Show report');
  const csv = button('Download CSV', (event) => save(event.currentTarget, 'csv'), {class: 'button secondary', 'data-test': 'download-csv'});
  // The hub's printable page carries its own inline <style>. Opened from a blob: URL it would inherit this page's
  // Content-Security-Policy (style-src 'self'), which blocks that style: Chromium shows it unstyled and logs a
  // violation. Saved as a file and opened from there, it has no such policy and prints as the hub laid it out.
  const printable = button('Printable page', (event) => save(event.currentTarget, 'html'), {class: 'button secondary', 'data-test': 'printable-report'});
  const form = h('form', {class: 'card report-period', novalidate: true},
    h('div', {class: 'inline-form'}, from.wrap, to.wrap),
    h('div', {class: 'actions'}, showButton, csv, printable),
    h('p', {class: 'hint'}, 'The printable page is saved as an HTML file: open it, then print it from the browser.'));

  /** The period the form names, as instants; null (with the problem shown beside its field) when it names none. */
  function period() {
    clearErrors(form);
    const refuse = (message, name) => {
      showError(form, {message, field: name});
      return null;
    };
    if (!from.control.value) return refuse('Choose the first day.', 'from');
    if (!to.control.value) return refuse('Choose the last day.', 'to');
    const start = new Date(`${from.control.value}T00:00`);
    const end = new Date(`${to.control.value}T00:00`);
    end.setDate(end.getDate() + 1);
    const now = new Date();
    if (end <= start) return refuse('The last day cannot come before the first.', 'to');
    if (start >= now) return refuse('The first day cannot be in the future.', 'from');
    // A day still going ends now: the hub would count the rest of it as time without data.
    return {from: start, to: end > now ? now : end, days: `${from.control.value}-to-${to.control.value}`};
  }

  async function save(control, format) {
    const chosen = period();
    if (!chosen) return;
    try {
      const blob = await busy(control, () => fetchFile(path, {from: chosen.from, to: chosen.to, format}));
      saveBlob(blob, `${fileStem}-${chosen.days}.${format}`);
    } catch (error) {
      showError(form, error);
    }
  }

  async function show() {
    const chosen = period();
    if (!chosen) return;
    await busy(showButton, () => onShow(chosen, {from: from.control.value, to: to.control.value}));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });
  return {form, show, showError: (error) => showError(form, error)};
}
