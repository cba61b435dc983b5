// The frame around every view: navigation for the signed-in role, the unread badges, who is signed in, the
// connection banner and the announcer (the ARIA live region).

import {h, clear} from '/console/dom.js';
import {live} from '/console/live.js';
import {parseHash} from '/console/router.js';
import {PRIORITY_WORDS, ROLE_WORDS} from '/console/format.js';

/** Navigation per role: only what the role may use (the API would refuse the rest). */
const NAV = {
  caregiver: [
    ['patients', 'Patients', '/patients'], ['alerts', 'Alerts', '/alerts'], ['chat', 'Chat', '/chat'],
    ['appointments', 'Appointments', '/appointments'], ['notifications', 'Notifications', '/notifications'], ['account', 'Account', '/account'],
  ],
  technician: [
    ['devices', 'Devices', '/devices'], ['gateways', 'Gateways', '/gateways'], ['alerts', 'Technical alerts', '/alerts'],
    ['chat', 'Chat', '/chat'], ['appointments', 'Appointments', '/appointments'], ['notifications', 'Notifications', '/notifications'],
    ['account', 'Account', '/account'],
  ],
  patient: [
    ['me', 'My health', '/me'], ['appointments', 'Appointments', '/appointments'], ['chat', 'Messages', '/chat'],
    ['notifications', 'Notifications', '/notifications'], ['account', 'Account', '/account'],
  ],
  admin: [
    ['admin', 'Admin', '/admin'], ['patients', 'Patients', '/patients'], ['alerts', 'Alerts', '/alerts'], ['devices', 'Devices', '/devices'],
    ['gateways', 'Gateways', '/gateways'], ['appointments', 'Appointments', '/appointments'], ['notifications', 'Notifications', '/notifications'],
    ['account', 'Account', '/account'],
  ],
};

export function homeFor(account) {
  return {caregiver: '/patients', technician: '/devices', patient: '/me', admin: '/admin'}[account.role] ?? '/account';
}

const badges = {};

export function showShell(account, onSignOut) {
  const list = document.getElementById('nav-list');
  clear(list);
  for (const [key, label, path] of NAV[account.role] ?? []) {
    const badge = h('span', {class: 'count', hidden: true, 'data-test': `badge-${key}`});
    badges[key] = badge;
    list.append(h('li', null, h('a', {href: `#${path}`, 'data-test': `nav-${key}`, 'data-path': path}, label, badge)));
  }
  document.getElementById('site-nav').hidden = false;
  document.getElementById('nav-toggle').hidden = false;
  document.getElementById('session').hidden = false;
  const whoami = document.getElementById('whoami');
  whoami.textContent = account.displayName;
  whoami.title = `${account.username} · ${ROLE_WORDS[account.role] ?? account.role}${account.title ? ` · ${account.title}` : ''}`;
  whoami.append(h('span', {class: 'role'}, ` ${ROLE_WORDS[account.role] ?? account.role}`));
  const signOut = document.getElementById('sign-out');
  signOut.onclick = onSignOut;
  markCurrent();
}

export function hideShell() {
  clear(document.getElementById('nav-list'));
  document.getElementById('site-nav').hidden = true;
  document.getElementById('nav-toggle').hidden = true;
  document.getElementById('session').hidden = true;
  setBanner(null);
  for (const key of Object.keys(badges)) delete badges[key];
}

/** Sets the count on a navigation link ("Notifications 3"); the number is read out as "3 unread". */
export function setBadge(key, count) {
  const badge = badges[key];
  if (!badge) return;
  badge.hidden = !count;
  badge.replaceChildren(...(count ? [String(count), h('span', {class: 'visually-hidden'}, ' unread')] : []));
}

function markCurrent() {
  const {path} = parseHash();
  for (const anchor of document.querySelectorAll('#nav-list a')) {
    const base = anchor.dataset.path;
    if (path === base || path.startsWith(`${base}/`)) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
}

document.addEventListener('routechange', () => {
  markCurrent();
  // On a phone the open menu would cover the view just chosen.
  setMenu(false);
});

function setMenu(open) {
  const toggle = document.getElementById('nav-toggle');
  toggle.setAttribute('aria-expanded', String(open));
  document.getElementById('site-nav').classList.toggle('open', open);
}

// Choosing the view already shown changes no route: close the menu on the choice itself too.
document.getElementById('site-nav').addEventListener('click', (event) => {
  if (event.target.closest('a[href]')) setMenu(false);
});

document.getElementById('nav-toggle').addEventListener('click', (event) => {
  setMenu(event.currentTarget.getAttribute('aria-expanded') !== 'true');
});

document.addEventListener('keydown', (event) => {
  const toggle = document.getElementById('nav-toggle');
  if (event.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
    setMenu(false);
    toggle.focus();
  }
});

// The skip link's target is an id, but the hash is the router's: move focus without touching the URL.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  const main = document.getElementById('main');
  (main.querySelector('h1') ?? main).focus();
});

// The banner is built once per loss and then only its countdown changes, in place: the alert role announces the
// loss once, the countdown (hidden from screen readers) is not read out every second, and "Reconnect now" keeps
// the keyboard while attempts come and go.
let bannerTimer = null;
let countdown = null;

/** Shows the connection banner for `state` (from the live socket), or hides it (null or connected). */
function setBanner(state) {
  const banner = document.getElementById('connection-banner');
  clearInterval(bannerTimer);
  if (!state || state.connected) {
    // Focus on "Reconnect now" would be lost with the banner: the view's heading takes it.
    if (banner.contains(document.activeElement)) document.querySelector('main h1')?.focus();
    banner.hidden = true;
    clear(banner);
    countdown = null;
    return;
  }
  if (!countdown) {
    countdown = h('span', {'aria-hidden': 'true'});
    clear(banner).append(h('span', null, h('strong', null, 'Connection lost. '),
      `Live updates are disconnected. ${state.reason ?? ''} New alerts may not appear until the connection is back. `, countdown), ' ',
    h('button', {type: 'button', class: 'button small', 'data-test': 'reconnect', on: {click: () => live.reconnectNow()}}, 'Reconnect now'));
    banner.hidden = false;
  }
  const text = countdown;
  const update = () => {
    const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
    const words = seconds > 0 ? `Reconnecting in ${seconds} s.` : 'Reconnecting…';
    if (text.textContent !== words) text.textContent = words;
  };
  update();
  bannerTimer = setInterval(update, 1000);
}

live.addEventListener('state', (event) => setBanner(event.detail));

const MAX_ANNOUNCEMENTS = 4;

/**
 * Says `text` through the live region, assertively for high priority (it interrupts), politely otherwise. The
 * region is also a visible stack of short notes, so sighted people see what was announced, with its priority in
 * words and colour. The notes are not controls (the alert list is the way to the alert): they take no clicks, and
 * on a phone they sit in the page's flow above the view rather than over its buttons.
 */
export function announce(text, {priority, assertive = priority === 'high'} = {}) {
  const region = document.getElementById(assertive ? 'live-assertive' : 'live-polite');
  const label = priority ? `${PRIORITY_WORDS[priority] ?? priority}: ` : '';
  const note = h('p', {class: ['announcement', priority ? `priority-${priority}` : null], 'data-test': 'announcement', 'data-priority': priority},
    h('strong', null, label), text);
  region.append(note);
  while (region.children.length > MAX_ANNOUNCEMENTS) region.firstElementChild.remove();
  // High-priority notes stay longer: they matter more and a glance away should not miss them.
  setTimeout(() => note.remove(), priority === 'high' ? 60_000 : 20_000);
}

/** Empties the announcer (signing out: what it said was for the person who left). */
export function clearAnnouncements() {
  clear(document.getElementById('live-assertive'));
  clear(document.getElementById('live-polite'));
}
