// Chat: the caller's conversations with unread counts, one conversation's messages with read receipts, sending,
// editing and deleting one's own, and live delivery through the live socket's `message` events.

import {api} from '/console/api.js';
import {h, heading, button, field, errorBox, reconcile} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {live} from '/console/live.js';
import {navigate} from '/console/router.js';
import {timeElement} from '/console/format.js';
import {state, patientName, setConversationUnread, refreshMessageCounts} from '/console/store.js';
import {openThread} from '/console/chat-thread.js';

const KIND_WORDS = {patient: 'With the patient', 'care-team': 'Care team only', device: 'About a device'};

/** Opens (or finds) the conversation of `kind` about a patient or device, and shows it. */
export async function openConversation({kind, patientId, deviceId, title}) {
  const {items} = await api.get('/api/v1/conversations');
  const existing = items.find((conversation) => conversation.kind === kind && !conversation.alertId &&
    (patientId ? conversation.patientId === patientId : conversation.deviceId === deviceId));
  const conversation = existing ?? await api.post('/api/v1/conversations', {kind, title, patientId, deviceId});
  navigate(`/chat/${conversation.id}`);
}

function newConversationDialog(account) {
  const parts = [];
  let kind;
  let patient;
  let device;
  if (account.role === 'caregiver') {
    kind = field({label: 'Who takes part', name: 'kind', type: 'select', options: [['patient', 'The patient and their care team'], ['care-team', 'The care team only']]});
    patient = field({label: 'Patient', name: 'patientId', type: 'select', required: true,
      options: [...state.patients.values()].map((item) => [String(item.id), item.displayName])});
    parts.push(kind.wrap, patient.wrap);
  } else if (account.role === 'technician') {
    device = field({label: 'Device id', name: 'deviceId', required: true, attrs: {pattern: '[A-Za-z0-9._\\-]{1,64}'}});
    parts.push(device.wrap);
  }
  const title = field({label: 'Subject', name: 'title', required: true, attrs: {maxlength: 200}});
  parts.push(title.wrap);
  return dialog({
    title: 'New conversation',
    body: h('div', null, parts),
    confirmLabel: 'Start',
    onConfirm: () => {
      const body = {title: title.control.value.trim()};
      if (account.role === 'patient') Object.assign(body, {kind: 'patient', patientId: account.patientId});
      else if (account.role === 'technician') Object.assign(body, {kind: 'device', deviceId: device.control.value.trim()});
      else Object.assign(body, {kind: kind.control.value, patientId: Number(patient.control.value)});
      return api.post('/api/v1/conversations', body);
    },
  });
}

export async function render(main, {params, account, isCurrent}) {
  const openId = params.id ? Number(params.id) : null;
  const listBox = h('ul', {class: 'conversation-list', 'aria-label': 'Conversations'});
  const threadBox = h('div', {class: 'thread'});
  const layout = h('div', {class: ['chat-layout', openId ? 'has-open' : null]},
    h('section', {class: 'chat-list', 'aria-labelledby': 'conversations-title'},
      h('div', {class: 'section-head'}, h('h2', {id: 'conversations-title'}, 'Conversations'),
        button('New conversation', async () => {
          const conversation = await newConversationDialog(account);
          if (conversation) navigate(`/chat/${conversation.id}`);
        }, {class: 'button secondary small', 'data-test': 'new-conversation'})),
      listBox),
    threadBox);
  main.append(heading(1, account.role === 'patient' ? 'Messages' : 'Chat'), layout);

  let conversations = [];
  async function loadList() {
    try {
      ({items: conversations} = await api.get('/api/v1/conversations'));
      drawList();
    } catch (error) {
      listBox.replaceChildren(h('li', null, errorBox(error)));
    }
  }

  function drawList() {
    if (!conversations.length) {
      listBox.replaceChildren(h('li', {class: 'empty'}, 'No conversations yet.'));
      return;
    }
    // Redrawn at every message: reconcile keeps a focused conversation link focused.
    reconcile(listBox, conversations, (conversation) => conversation.id, (conversation) => {
      const unread = conversation.id === openId && isCurrent() ? 0 : conversation.unread;
      setConversationUnread(conversation.id, unread);
      return h('li', null, h('a', {
        href: `#/chat/${conversation.id}`, class: ['conversation', unread ? 'unread' : null], 'data-test': 'conversation',
        'data-conversation-id': conversation.id, 'data-unread': unread, 'aria-current': conversation.id === openId ? 'page' : null,
      },
      h('span', {class: 'conversation-title'}, conversation.title),
      h('span', {class: 'conversation-meta'}, [KIND_WORDS[conversation.kind], conversation.patientId && account.role !== 'patient' ? patientName(conversation.patientId) : null,
        conversation.deviceId, conversation.alertId ? `alert ${conversation.alertId}` : null].filter(Boolean).join(' · ')),
      conversation.lastMessageAt ? h('span', {class: 'conversation-meta'}, timeElement(conversation.lastMessageAt, {relativeOnly: true})) : null,
      unread ? h('span', {class: 'count'}, String(unread), h('span', {class: 'visually-hidden'}, ' unread')) : null));
    });
  }

  // Listening from the start: a message that arrives while the thread loads is shown once it is in.
  let thread = null;
  let listed = false;
  const early = [];
  const stop = live.on('message', ({message}) => {
    if (!message) return;
    if (message.conversationId === openId) {
      if (thread) thread.receive(message);
      else early.push(message);
    }
    if (!listed) return;
    const conversation = conversations.find((item) => item.id === message.conversationId);
    if (!conversation) return loadList();
    conversation.lastMessageAt = message.createdAt;
    if (message.senderId !== account.id && message.conversationId !== openId) conversation.unread += 1;
    conversations = [conversation, ...conversations.filter((item) => item !== conversation)];
    drawList();
  });

  await loadList();
  listed = true;
  if (openId) {
    thread = await openThread(threadBox, openId, account, conversations.find((item) => item.id === openId), isCurrent);
    early.splice(0).forEach((message) => thread?.receive(message));
  } else {
    threadBox.append(h('p', {class: 'empty chat-placeholder'}, conversations.length ? 'Choose a conversation.' : 'Start a conversation with “New conversation”.'));
  }
  return () => {
    stop();
    thread?.close();
    refreshMessageCounts();
  };
}
