// Chat: the caller's conversations with unread counts, one conversation's messages with read receipts, sending,
// editing and deleting one's own, and live delivery through the live socket's `message` events.

import {api} from '/console/api.js';
import {h, heading, button, busy, field, errorBox, showError, dialog, clearErrors} from '/console/dom.js';
import {live} from '/console/live.js';
import {navigate} from '/console/router.js';
import {timeElement} from '/console/format.js';
import {state, patientName, setConversationUnread, refreshMessageCounts} from '/console/store.js';

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

export async function render(main, {params, account}) {
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
    listBox.replaceChildren(...conversations.map((conversation) => {
      const unread = conversation.id === openId ? 0 : conversation.unread;
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
    }));
  }

  await loadList();
  let thread = null;
  if (openId) thread = await openThread(threadBox, openId, account, conversations.find((item) => item.id === openId));
  else threadBox.append(h('p', {class: 'empty chat-placeholder'}, conversations.length ? 'Choose a conversation.' : 'Start a conversation with “New conversation”.'));

  const stop = live.on('message', ({message}) => {
    if (!message) return;
    const conversation = conversations.find((item) => item.id === message.conversationId);
    if (!conversation) return loadList();
    conversation.lastMessageAt = message.createdAt;
    if (message.senderId !== account.id && message.conversationId !== openId) conversation.unread += 1;
    conversations = [conversation, ...conversations.filter((item) => item !== conversation)];
    drawList();
    if (message.conversationId === openId) thread?.receive(message);
  });
  return () => {
    stop();
    thread?.close();
    refreshMessageCounts();
  };
}

async function openThread(box, id, account, summary) {
  const log = h('div', {class: 'messages', role: 'log', 'aria-label': 'Messages', 'aria-live': 'polite', tabindex: '0'});
  const earlier = h('div', {class: 'earlier'});
  const input = field({label: 'Message', name: 'body', type: 'textarea', test: 'message-input', required: true,
    hint: 'Enter sends; Shift+Enter starts a new line.', attrs: {rows: 2, maxlength: 4000}});
  const send = h('button', {type: 'submit', class: 'button primary', 'data-test': 'send'}, 'Send');
  const form = h('form', {class: 'send-form', novalidate: true}, input.wrap, send);
  const titleText = summary?.title ?? `Conversation ${id}`;
  box.replaceChildren(h('p', {class: 'back-link'}, h('a', {href: '#/chat'}, '← All conversations')),
    h('h2', {id: 'thread-title'}, titleText), earlier, log, form);

  const messages = new Map();
  let receipts = [];
  let cursor = null;
  let closed = false;

  // Receipts are shown once, under the caller's latest message: who has read at least that far.
  function messageElement(message, lastOwnId) {
    const own = message.senderId === account.id;
    const deleted = Boolean(message.deletedAt);
    const readers = message.id === lastOwnId
      ? receipts.filter((receipt) => receipt.lastReadMessageId >= message.id && receipt.accountId !== account.id) : [];
    const tools = own && !deleted ? h('div', {class: 'message-tools'},
      button('Edit', () => editMessage(message), {class: 'button link small', 'aria-label': 'Edit your message'}),
      button('Delete', () => deleteMessage(message), {class: 'button link small', 'aria-label': 'Delete your message'})) : null;
    return h('article', {class: ['message', own ? 'own' : null, deleted ? 'deleted' : null], 'data-test': 'message', 'data-message-id': message.id},
      h('p', {class: 'message-meta'}, h('strong', null, own ? 'You' : message.senderName), ' · ', timeElement(message.createdAt, {absoluteOnly: true}),
        message.editedAt && !deleted ? ' · edited' : ''),
      h('p', {class: 'message-body'}, deleted ? 'This message was deleted.' : message.body),
      tools,
      readers.length ? h('p', {class: 'receipt', 'data-test': 'read-receipt'}, `Seen by ${readers.map((receipt) => receipt.displayName).join(', ')}`) : null);
  }

  function draw({scroll = false} = {}) {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const sorted = [...messages.values()].sort((a, b) => a.id - b.id);
    const lastOwnId = Math.max(0, ...sorted.filter((message) => message.senderId === account.id).map((message) => message.id));
    log.replaceChildren(...(sorted.length ? sorted.map((message) => messageElement(message, lastOwnId)) : [h('p', {class: 'empty'}, 'No messages yet.')]));
    if (scroll || nearBottom) log.scrollTop = log.scrollHeight;
  }

  async function loadPage() {
    const page = await api.get(`/api/v1/conversations/${id}/messages`, {limit: 50, cursor: cursor ?? undefined});
    for (const message of page.items) messages.set(message.id, message);
    cursor = page.nextCursor ?? null;
    earlier.replaceChildren(cursor ? button('Load earlier messages', async (event) => {
      await busy(event.currentTarget, loadPage);
      draw();
    }, {class: 'button secondary small'}) : '');
  }

  async function markRead() {
    const newest = Math.max(0, ...[...messages.keys()]);
    if (!newest || closed || document.visibilityState !== 'visible') return;
    try {
      const detail = await api.post(`/api/v1/conversations/${id}/read`, {messageId: newest});
      receipts = detail.readReceipts ?? receipts;
      setConversationUnread(id, 0);
      draw();
    } catch {
      // A receipt that did not go is sent again with the next message.
    }
  }

  async function refreshReceipts() {
    try {
      const detail = await api.get(`/api/v1/conversations/${id}`);
      receipts = detail.readReceipts ?? [];
      draw();
    } catch {
      // Receipts are a nicety; the messages stand without them.
    }
  }

  async function editMessage(message) {
    const text = field({label: 'Message', name: 'body', type: 'textarea', value: message.body, required: true, attrs: {rows: 3, maxlength: 4000}});
    const updated = await dialog({title: 'Edit message', body: text.wrap, confirmLabel: 'Save',
      onConfirm: () => api.patch(`/api/v1/conversations/${id}/messages/${message.id}`, {body: text.control.value.trim()})});
    if (updated) { messages.set(updated.id, updated); draw(); }
  }

  async function deleteMessage(message) {
    const updated = await dialog({title: 'Delete message', describe: 'The others will see that a message was deleted. The text is kept for the audit trail.',
      body: h('div'), confirmLabel: 'Delete', danger: true, onConfirm: () => api.delete(`/api/v1/conversations/${id}/messages/${message.id}`)});
    if (updated) { messages.set(updated.id, updated); draw(); }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = input.control.value.trim();
    if (!body) return showError(form, {message: 'Write a message first.', field: 'body'});
    try {
      const message = await busy(send, () => api.post(`/api/v1/conversations/${id}/messages`, {body}));
      messages.set(message.id, message);
      input.control.value = '';
      draw({scroll: true});
      input.control.focus();
    } catch (error) {
      showError(form, error);
    }
  });
  input.control.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  try {
    await loadPage();
    const detail = await api.get(`/api/v1/conversations/${id}`);
    receipts = detail.readReceipts ?? [];
    box.querySelector('#thread-title').textContent = detail.conversation.title;
  } catch (error) {
    box.replaceChildren(h('p', {class: 'back-link'}, h('a', {href: '#/chat'}, '← All conversations')), errorBox(error));
    return null;
  }
  draw({scroll: true});
  markRead();
  const timer = setInterval(refreshReceipts, 15_000);
  const onVisible = () => markRead();
  document.addEventListener('visibilitychange', onVisible);

  return {
    receive(message) {
      messages.set(message.id, message);
      draw();
      if (message.senderId !== account.id) markRead();
    },
    close() {
      closed = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
