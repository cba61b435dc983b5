// Email and webhook deliveries of notifications, with every attempt's outcome: one notification's (its recipient,
// from the inbox) and, for admins, everyone's, failures first.

import {api, getAll} from '/console/api.js';
import {h, heading, field, table, errorBox, button, busy, fill} from '/console/dom.js';
import {timeElement} from '/console/format.js';
import {replaceQuery} from '/console/router.js';
import {adminNav} from '/console/view-admin.js';

const STATUS = {
  delivered: ['Delivered', 'state-ok'], failed: ['Failed, given up', 'state-bad'], retrying: ['Failed, will retry', 'state-warn'],
  pending: ['Waiting to be sent', 'state-warn'], skipped: ['Skipped, no longer needed', 'state-muted'],
};
const CHANNELS = {email: 'Email', webhook: 'Webhook'};

export function deliveryStatus(status) {
  const [words, className] = STATUS[status] ?? [status, 'state-muted'];
  return h('span', {class: ['state', className]}, words);
}

/** The deliveries as a table; `who` adds a column naming the recipient (for admins' list of everyone's). */
export function deliveryTable(items, {caption, who, empty = 'Not sent by email or webhook.'} = {}) {
  return table({caption, rows: items, empty, className: 'wide-table', rowAttrs: (item) => ({'data-test': 'delivery', 'data-delivery-id': item.id, 'data-status': item.status}), columns: [
    {label: 'Channel', render: (item) => CHANNELS[item.channel] ?? item.channel},
    who ? {label: 'To', render: (item) => who(item.accountId)} : null,
    who ? {label: 'Notification', render: (item) => `No. ${item.notificationId}`} : null,
    {label: 'Status', render: (item) => deliveryStatus(item.status)},
    {label: 'Attempts', render: (item) => String(item.attempts)},
    {label: 'Last attempt', render: (item) => timeElement(item.lastAttemptAt)},
    {label: 'Next attempt', render: (item) => (item.nextAttemptAt && item.status !== 'failed' ? timeElement(item.nextAttemptAt) : h('span', {class: 'muted'}, '—'))},
    {label: 'Outcome', render: (item) => (item.deliveredAt ? ['Delivered ', timeElement(item.deliveredAt)] : item.lastError ?? h('span', {class: 'muted'}, '—'))},
  ].filter(Boolean)});
}

const FILTERS = [['failed', 'Failed, given up'], ['retrying', 'Failed, will retry'], ['pending', 'Waiting'], ['skipped', 'Skipped'], ['delivered', 'Delivered'], ['', 'Every delivery']];

/** Admins: deliveries by status (those given up by default), newest first, a page at a time. */
export async function render(main, {query}) {
  // "Every delivery" is kept in the address as status=all: an empty status would fall back to the failures.
  const status = query.status === 'all' ? '' : FILTERS.some(([value]) => value === query.status) ? query.status : 'failed';
  const filter = field({label: 'Show', name: 'status', type: 'select', options: FILTERS, value: status, test: 'delivery-status'});
  const listBox = h('div');
  const more = h('div', {class: 'actions'});
  main.append(heading(1, 'Deliveries'), adminNav('deliveries'),
    h('p', {class: 'muted'}, 'Email and webhook deliveries of notifications. A failed delivery is retried after 30 s, 2, 8 and 32 minutes and 2 hours, then given up.'),
    h('div', {class: 'filters'}, filter.wrap), listBox, more);

  let names = new Map();
  try {
    names = new Map((await getAll('/api/v1/accounts')).map((account) => [account.id, account.displayName]));
  } catch {
    // Names are a convenience: the account number stands in.
  }
  const who = (id) => names.get(id) ?? `Account ${id}`;
  let items = [];

  async function load(cursor) {
    try {
      const page = await api.get('/api/v1/deliveries', {status: filter.control.value, limit: 100, cursor});
      items = cursor ? [...items, ...page.items] : page.items;
      fill(listBox, deliveryTable(items, {caption: FILTERS.find(([value]) => value === filter.control.value)[1], who,
        empty: filter.control.value === 'failed' ? 'No delivery has been given up.' : 'No deliveries.'}));
      fill(more, page.nextCursor ? button('Load older', (event) => busy(event.currentTarget, () => load(page.nextCursor)), {class: 'button secondary', 'data-test': 'load-more'}) : null);
    } catch (error) {
      fill(listBox, errorBox(error));
    }
  }
  filter.control.addEventListener('change', () => {
    replaceQuery({status: filter.control.value || 'all'});
    load();
  });
  await load();
}
