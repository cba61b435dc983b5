// The alert list: filters in the URL, every open alert (paged through, never cut short), live additions, and a word
// about new alerts the filter hides. An alert's own page is view-alert.js.

import {h, heading, button, field, reconcile, add, batched} from '/console/dom.js';
import {replaceQuery, navigate} from '/console/router.js';
import {alertCard, compareAlerts, isOpen, eventName, ATTENTION_EVENTS} from '/console/alerts-ui.js';
import {alertFeed, feedNote, moreButton} from '/console/alert-feed.js';
import {patientName} from '/console/store.js';

export {renderDetail} from '/console/view-alert.js';

const STATES = [['open', 'Open'], ['unacknowledged', 'Unacknowledged'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['all', 'All']];
const PRIORITIES = [['', 'Any priority'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']];
const CATEGORIES = [['', 'Any kind'], ['physiological', 'Physiological'], ['technical', 'Technical']];
// Lists of open alerts are loaded whole; resolved ones (and "all") grow without end and come a page at a time.
const OPEN_STATES = new Set(['open', 'unacknowledged', 'acknowledged']);

function matches(alert, filters) {
  if (filters.patientId && alert.patientId !== Number(filters.patientId)) return false;
  if (filters.priority && alert.priority !== filters.priority) return false;
  if (filters.category && alert.category !== filters.category) return false;
  switch (filters.state) {
    case 'open': return isOpen(alert);
    case 'unacknowledged': case 'acknowledged': case 'resolved': return alert.status === filters.state;
    default: return true;
  }
}

export async function renderList(main, {query, account}) {
  const technician = account.role === 'technician';
  const filters = {state: query.state || 'open', priority: query.priority || '', category: technician ? '' : query.category || '', patientId: query.patientId || ''};
  const stateField = field({label: 'State', name: 'state', type: 'select', options: STATES, value: filters.state, test: 'alert-filter-state'});
  const priorityField = field({label: 'Priority', name: 'priority', type: 'select', options: PRIORITIES, value: filters.priority, test: 'alert-filter-priority'});
  const categoryField = field({label: 'Kind', name: 'category', type: 'select', options: CATEGORIES, value: filters.category, test: 'alert-filter-category'});
  const form = h('form', {class: 'filters', 'aria-label': 'Filter alerts'}, stateField.wrap, priorityField.wrap, technician ? null : categoryField.wrap);
  const list = h('div', {class: 'alert-list'});
  const count = h('p', {class: 'muted', role: 'status'});
  const unshownText = h('span');
  const unshownBox = h('p', {class: 'unshown', hidden: true, 'data-test': 'unshown-alerts'}, unshownText, ' ',
    button('Show every open alert', () => navigate('/alerts'), {class: 'button secondary small', 'data-test': 'show-unshown'}));
  // New alerts the filter turns away, by id: said in words, so a filter never hides an emergency silently.
  const unshown = new Set();

  const draw = batched(() => {
    const shown = [...feed.alerts.values()].filter((alert) => matches(alert, filters));
    shown.sort(OPEN_STATES.has(filters.state) ? compareAlerts : (a, b) => new Date(b.raisedAt) - new Date(a.raisedAt));
    note.update(shown.length);
    // Written only when it changes: a status region re-read at every live update would drown a screen reader.
    const words = feed.state === 'ready' ? `${shown.length} alert${shown.length === 1 ? '' : 's'} shown.` : '';
    if (count.textContent !== words) count.textContent = words;
    const hidden = unshown.size ? `${unshown.size} new alert${unshown.size === 1 ? '' : 's'} not shown by this filter.` : '';
    if (unshownText.textContent !== hidden) unshownText.textContent = hidden;
    unshownBox.hidden = !unshown.size;
    reconcile(list, shown, (alert) => alert.id, (alert) => alertCard(alert, {onChange: feed.upsert, headingLevel: 2}));
    more.update();
  });

  const feed = alertFeed({
    query: () => ({state: filters.state === 'all' ? undefined : filters.state, priority: filters.priority, category: filters.category, patientId: filters.patientId}),
    keep: (alert) => matches(alert, filters),
    everything: () => OPEN_STATES.has(filters.state),
    onChange: draw,
    onUnshown: (alert, event) => {
      if (isOpen(alert) && ATTENTION_EVENTS.has(eventName(event))) unshown.add(alert.id);
      else if (!isOpen(alert)) unshown.delete(alert.id);
    },
  });
  const note = feedNote(feed, {empty: 'No alerts match.'});
  const more = moreButton(feed);

  add(main, heading(1, technician ? 'Technical alerts' : 'Alerts'),
    filters.patientId ? h('p', null, `Showing alerts of ${patientName(Number(filters.patientId))}. `, h('a', {href: '#/alerts'}, 'Show every patient')) : null,
    form, h('div', {role: 'status'}, unshownBox), count, note.element, list, more.element);

  form.addEventListener('change', () => {
    filters.state = stateField.control.value;
    filters.priority = priorityField.control.value;
    filters.category = technician ? '' : categoryField.control.value;
    replaceQuery(Object.fromEntries(Object.entries(filters).filter(([, value]) => value)));
    unshown.clear();
    feed.reload();
  });
  form.addEventListener('submit', (event) => event.preventDefault());

  return () => {
    feed.stop();
    draw.cancel();
  };
}
