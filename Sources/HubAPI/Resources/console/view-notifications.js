// The notifications inbox: newest first, unread ones marked in words as well as weight, each leading to its alert or
// appointment, with its email and webhook deliveries on request; new ones arrive through the live socket.

import {api} from '/console/api.js';
import {h, heading, button, busy, errorBox, flash, errorText, fill, reconcile} from '/console/dom.js';
import {live} from '/console/live.js';
import {timeElement, priorityBadge} from '/console/format.js';
import {setNotificationCount, state} from '/console/store.js';
import {deliveryTable} from '/console/view-deliveries.js';

function target(notification, account) {
  // Patients never see alerts (the API answers 403), so their alert notices link nowhere.
  if (notification.alertId && account.role !== 'patient') return `#/alerts/${notification.alertId}`;
  if (notification.appointmentId) return `#/appointments/${notification.appointmentId}`;
  return null;
}

export async function render(main, {account}) {
  const list = h('ul', {class: 'notification-list', 'aria-label': 'Notifications'});
  const summary = h('p', {role: 'status', class: 'muted'});
  const more = h('div');
  // Never disabled (focus on a button that becomes disabled drops to the page's start): with nothing unread it says
  // so with aria-disabled and does nothing.
  const readAll = button('Mark all as read', async (event) => {
    if (readAll.getAttribute('aria-disabled') === 'true') return;
    try {
      await busy(event.currentTarget, () => api.post('/api/v1/notifications/read-all'));
      for (const item of items.values()) item.readAt ??= new Date().toISOString();
      setNotificationCount(0);
      draw();
    } catch (error) {
      flash(main, errorText(error), {kind: 'error'});
    }
  }, {class: 'button secondary', 'data-test': 'read-all'});
  main.append(heading(1, 'Notifications'), h('div', {class: 'actions'}, readAll), summary, list, more);

  const items = new Map();
  let cursor = null;
  // Deliveries shown, kept across redraws (a live notification redraws the list): id → the answer or its error.
  const deliveries = new Map();

  function deliveriesContent(id) {
    const answer = deliveries.get(id);
    return answer instanceof Error ? errorBox(answer) : deliveryTable(answer, {caption: 'Email and webhook deliveries, with each one’s latest attempt'});
  }

  function deliveriesPart(notification) {
    const id = notification.id;
    const box = h('div', {id: `deliveries-${id}`, class: 'deliveries', hidden: !deliveries.has(id)}, deliveries.has(id) ? deliveriesContent(id) : null);
    const words = h('span', null, deliveries.has(id) ? 'Hide deliveries' : 'Email and webhook deliveries');
    const toggle = button([words, h('span', {class: 'visually-hidden'}, ` of “${notification.title}”`)], async () => {
      if (deliveries.has(id)) {
        deliveries.delete(id);
        box.hidden = true;
      } else {
        await busy(toggle, async () => {
          try {
            deliveries.set(id, (await api.get(`/api/v1/notifications/${id}/deliveries`)).items);
          } catch (error) {
            deliveries.set(id, error);
          }
        });
        fill(box, deliveriesContent(id));
        box.hidden = false;
      }
      words.textContent = deliveries.has(id) ? 'Hide deliveries' : 'Email and webhook deliveries';
      toggle.setAttribute('aria-expanded', String(deliveries.has(id)));
    }, {class: 'button link small', 'data-test': 'show-deliveries', 'aria-expanded': String(deliveries.has(id)), 'aria-controls': `deliveries-${id}`});
    return {toggle, box};
  }

  function element(notification) {
    const unread = !notification.readAt;
    const href = target(notification, account);
    const sent = deliveriesPart(notification);
    const markRead = unread ? button('Mark as read', async (event) => {
      try {
        const updated = await busy(event.currentTarget, () => api.action(`/api/v1/notifications/${notification.id}/read`));
        items.set(updated.id, updated);
        setNotificationCount(Math.max(0, state.unreadNotifications - 1));
        draw();
      } catch (error) {
        flash(main, errorText(error), {kind: 'error'});
      }
    }, {class: 'button link small', 'data-test': 'mark-read'}) : null;
    return h('li', {class: ['notification', unread ? 'unread' : null], 'data-test': 'notification', 'data-notification-id': notification.id, 'data-unread': String(unread)},
      h('p', {class: 'notification-head'},
        unread ? h('span', {class: 'badge unread-badge'}, 'New') : null,
        notification.priority ? priorityBadge(notification.priority) : null,
        h('strong', null, href ? h('a', {href, on: {click: () => unread && api.action(`/api/v1/notifications/${notification.id}/read`).then(() => setNotificationCount(Math.max(0, state.unreadNotifications - 1))).catch(() => {})}}, notification.title) : notification.title)),
      h('p', null, notification.body),
      h('p', {class: 'muted'}, timeElement(notification.createdAt), notification.tier ? ` · escalation tier ${notification.tier}` : ''),
      h('div', {class: 'actions compact'}, markRead, sent.toggle), sent.box);
  }

  function draw() {
    const sorted = [...items.values()].sort((a, b) => b.id - a.id);
    const unread = sorted.filter((item) => !item.readAt).length;
    summary.textContent = sorted.length ? `${sorted.length} shown, ${state.unreadNotifications || unread} unread.` : '';
    if (sorted.some((item) => !item.readAt)) readAll.removeAttribute('aria-disabled');
    else readAll.setAttribute('aria-disabled', 'true');
    if (!sorted.length) {
      list.replaceChildren(h('li', {class: 'empty'}, 'No notifications.'));
      return;
    }
    // A notification arriving live redraws the list: reconcile keeps the keyboard on the control it was on.
    reconcile(list, sorted, (item) => item.id, element);
  }

  async function load(append = false) {
    try {
      const page = await api.get('/api/v1/notifications', {limit: 50, cursor: append ? cursor : undefined});
      for (const item of page.items) items.set(item.id, item);
      cursor = page.nextCursor ?? null;
      setNotificationCount(page.unread);
      const older = button('Load older', (event) => busy(event.currentTarget, () => load(true)), {class: 'button secondary', 'data-test': 'load-more'});
      const focused = more.contains(document.activeElement);
      more.replaceChildren(cursor ? older : '');
      if (focused && cursor) older.focus();
      draw();
    } catch (error) {
      // A failed "Load older" says so beside its button; what was shown stays.
      if (append) {
        more.querySelector('.form-error')?.remove();
        more.prepend(errorBox(error));
      } else {
        list.replaceChildren(h('li', null, errorBox(error)));
      }
    }
  }

  await load();
  const stop = live.on('notification', ({notification}) => {
    if (!notification) return;
    items.set(notification.id, notification);
    draw();
  });
  return stop;
}
