// The notifications inbox: newest first, unread ones marked in words as well as weight, each leading to its alert or
// appointment; new ones arrive through the live socket.

import {api} from '/console/api.js';
import {h, heading, button, busy, errorBox, flash, errorText} from '/console/dom.js';
import {live} from '/console/live.js';
import {timeElement, priorityBadge} from '/console/format.js';
import {setNotificationCount, state} from '/console/store.js';
import {announce} from '/console/shell.js';

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
  const readAll = button('Mark all as read', async (event) => {
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

  function element(notification) {
    const unread = !notification.readAt;
    const href = target(notification, account);
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
      markRead);
  }

  function draw() {
    const sorted = [...items.values()].sort((a, b) => b.id - a.id);
    const unread = sorted.filter((item) => !item.readAt).length;
    summary.textContent = sorted.length ? `${sorted.length} shown, ${state.unreadNotifications || unread} unread.` : '';
    readAll.disabled = !sorted.some((item) => !item.readAt);
    list.replaceChildren(...(sorted.length ? sorted.map(element) : [h('li', {class: 'empty'}, 'No notifications.')]));
  }

  async function load(append = false) {
    try {
      const page = await api.get('/api/v1/notifications', {limit: 50, cursor: append ? cursor : undefined});
      for (const item of page.items) items.set(item.id, item);
      cursor = page.nextCursor ?? null;
      setNotificationCount(page.unread);
      more.replaceChildren(cursor ? button('Load older', (event) => busy(event.currentTarget, () => load(true)), {class: 'button secondary'}) : '');
      draw();
    } catch (error) {
      list.replaceChildren(h('li', null, errorBox(error)));
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

// Outside the alert flow (which announces alerts itself), a patient's or technician's new notice is announced politely.
live.addEventListener('notification', (event) => {
  const notification = event.detail.notification;
  if (!notification || notification.kind === 'alert') return;
  announce(`${notification.title}. ${notification.body}`, {href: target(notification, state.account ?? {})});
});
