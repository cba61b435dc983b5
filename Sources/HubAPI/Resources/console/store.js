// What several views need and the hub rarely changes: the signed-in account, the names of the patients it may
// see, the escalation policy (snooze limits), and the unread counts behind the navigation badges.

import {api, getAll} from '/console/api.js';
import {live} from '/console/live.js';
import {setBadge} from '/console/shell.js';

export const state = {
  account: null,
  patients: new Map(),
  policy: null,
  unreadNotifications: 0,
  unreadMessages: new Map(),
};

export function reset() {
  state.account = null;
  state.patients = new Map();
  state.policy = null;
  state.unreadNotifications = 0;
  state.unreadMessages = new Map();
}

/** Loads the patients the account may see (staff only: technicians may see none, patients only themself). */
export async function loadPatients() {
  const role = state.account?.role;
  if (role === 'caregiver' || role === 'admin') {
    const patients = await getAll('/api/v1/patients');
    state.patients = new Map(patients.map((patient) => [patient.id, patient]));
  } else if (role === 'patient' && state.account.patientId) {
    state.patients = new Map([[state.account.patientId, {id: state.account.patientId, displayName: state.account.displayName}]]);
  }
  return state.patients;
}

export function patientName(id) {
  if (id === undefined || id === null) return null;
  return state.patients.get(id)?.displayName ?? `Patient ${id}`;
}

/** The escalation policy, for snooze limits; null when the role may not read it. */
export async function policy() {
  if (state.policy) return state.policy;
  try {
    state.policy = await api.get('/api/v1/alert-policy');
  } catch {
    state.policy = null;
  }
  return state.policy;
}

export async function refreshNotificationCount() {
  try {
    const page = await api.get('/api/v1/notifications', {unread: 'true', limit: 1});
    setNotificationCount(page.unread);
  } catch {
    // The badge is a convenience; the inbox shows the truth.
  }
}

export function setNotificationCount(count) {
  state.unreadNotifications = count;
  setBadge('notifications', count);
  document.dispatchEvent(new CustomEvent('notifications-count', {detail: count}));
}

/** Unread chat messages per conversation, from the conversation list; admins take part in none. */
export async function refreshMessageCounts() {
  if (state.account?.role === 'admin') return;
  try {
    const {items} = await api.get('/api/v1/conversations');
    state.unreadMessages = new Map(items.map((conversation) => [conversation.id, conversation.unread]));
    updateChatBadge();
  } catch {
    // As above.
  }
}

export function setConversationUnread(id, count) {
  state.unreadMessages.set(id, count);
  updateChatBadge();
}

function updateChatBadge() {
  let total = 0;
  for (const count of state.unreadMessages.values()) total += count;
  setBadge('chat', total);
}

// A message by someone else counts as unread until the chat view, if it shows that conversation, says it was read.
live.addEventListener('message', (event) => {
  const message = event.detail.message;
  if (!message || message.senderId === state.account?.id) return;
  state.unreadMessages.set(message.conversationId, (state.unreadMessages.get(message.conversationId) ?? 0) + 1);
  updateChatBadge();
});

live.addEventListener('notification', (event) => {
  if (typeof event.detail.unread === 'number') setNotificationCount(event.detail.unread);
});
