// One conversation: its messages with read receipts, sending, editing and deleting one's own; new messages come from
// the live socket through the chat view (`receive`).

import {api} from '/console/api.js';
import {h, button, busy, field, errorBox, showError, clearErrors, replaceKeepingFocus} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeElement} from '/console/format.js';
import {setConversationUnread} from '/console/store.js';

/**
 * Fills `box` with conversation `id`; resolves with {receive(message), close()}, or null when it could not load.
 * `isCurrent()` says whether the view is still shown: a thread left before it loaded marks nothing as read.
 */
export async function openThread(box, id, account, summary, isCurrent = () => true) {
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
  // One element per message, kept: a new message is appended to the log (read out once, as a log should be), a
  // changed one replaced in place, and nothing else is touched, so a screen reader does not read the thread again
  // and focus on an Edit or Delete button stays where it is.
  const elements = new Map();
  const receipt = h('p', {class: 'receipt', 'data-test': 'read-receipt'});
  const none = h('p', {class: 'empty'}, 'No messages yet.');
  let receipts = [];
  let cursor = null;
  let closed = false;

  function messageElement(message) {
    const own = message.senderId === account.id;
    const deleted = Boolean(message.deletedAt);
    const tools = own && !deleted ? h('div', {class: 'message-tools'},
      button('Edit', () => editMessage(message), {class: 'button link small', 'aria-label': 'Edit your message', 'data-test': 'edit-message'}),
      button('Delete', () => deleteMessage(message), {class: 'button link small', 'aria-label': 'Delete your message', 'data-test': 'delete-message'})) : null;
    return h('article', {class: ['message', own ? 'own' : null, deleted ? 'deleted' : null], 'data-test': 'message', 'data-message-id': message.id,
      'data-key': message.id},
    h('p', {class: 'message-meta'}, h('strong', null, own ? 'You' : message.senderName), ' · ', timeElement(message.createdAt, {absoluteOnly: true}),
      message.editedAt && !deleted ? ' · edited' : ''),
    h('p', {class: 'message-body'}, deleted ? 'This message was deleted.' : message.body),
    tools);
  }

  /** Shows `message`: appended in its place by id when new, replaced when it changed. */
  function show(message) {
    const previous = messages.get(message.id);
    messages.set(message.id, message);
    const element = elements.get(message.id);
    if (element) {
      if (previous?.body === message.body && previous?.deletedAt === message.deletedAt && previous?.editedAt === message.editedAt) return;
      elements.set(message.id, replaceKeepingFocus(element, messageElement(message)));
    } else {
      const created = messageElement(message);
      elements.set(message.id, created);
      const later = [...elements.keys()].filter((other) => other > message.id).sort((a, b) => a - b)[0];
      if (later === undefined) log.append(created);
      else elements.get(later).before(created);
    }
    none.remove();
    placeReceipt();
  }

  // Receipts are shown once, under the caller's latest message: who has read at least that far. The line is one
  // element, moved and rewritten only when what it says changes.
  function placeReceipt() {
    const lastOwnId = Math.max(0, ...[...messages.values()].filter((message) => message.senderId === account.id).map((message) => message.id));
    const readers = receipts.filter((item) => item.lastReadMessageId >= lastOwnId && item.accountId !== account.id);
    const words = lastOwnId && readers.length ? `Seen by ${readers.map((item) => item.displayName).join(', ')}` : '';
    const owner = elements.get(lastOwnId);
    if (!words || !owner) {
      receipt.remove();
      return;
    }
    if (receipt.textContent !== words) receipt.textContent = words;
    if (receipt.parentElement !== owner) owner.append(receipt);
  }

  const atEnd = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  const scrollToEnd = () => { log.scrollTop = log.scrollHeight; };

  async function loadPage() {
    const page = await api.get(`/api/v1/conversations/${id}/messages`, {limit: 50, cursor: cursor ?? undefined});
    for (const message of page.items) show(message);
    cursor = page.nextCursor ?? null;
    earlier.replaceChildren(cursor ? button('Load earlier messages', (event) => busy(event.currentTarget, loadPage), {class: 'button secondary small'}) : '');
  }

  async function markRead() {
    const newest = Math.max(0, ...[...messages.keys()]);
    if (!newest || closed || !isCurrent() || document.visibilityState !== 'visible') return;
    try {
      const detail = await api.post(`/api/v1/conversations/${id}/read`, {messageId: newest});
      receipts = detail.readReceipts ?? receipts;
      setConversationUnread(id, 0);
      placeReceipt();
    } catch {
      // A receipt that did not go is sent again with the next message.
    }
  }

  async function refreshReceipts() {
    try {
      const detail = await api.get(`/api/v1/conversations/${id}`);
      receipts = detail.readReceipts ?? [];
      placeReceipt();
    } catch {
      // Receipts are a nicety; the messages stand without them.
    }
  }

  async function editMessage(message) {
    const text = field({label: 'Message', name: 'body', type: 'textarea', value: message.body, required: true, attrs: {rows: 3, maxlength: 4000}});
    const updated = await dialog({title: 'Edit message', body: text.wrap, confirmLabel: 'Save',
      onConfirm: () => api.patch(`/api/v1/conversations/${id}/messages/${message.id}`, {body: text.control.value.trim()})});
    if (updated) show(updated);
  }

  async function deleteMessage(message) {
    const updated = await dialog({title: 'Delete message', describe: 'The others will see that a message was deleted. The text is kept for the audit trail.',
      body: h('div'), confirmLabel: 'Delete', danger: true, onConfirm: () => api.delete(`/api/v1/conversations/${id}/messages/${message.id}`)});
    if (updated) show(updated);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = input.control.value.trim();
    if (!body) return showError(form, {message: 'Write a message first.', field: 'body'});
    try {
      const message = await busy(send, () => api.post(`/api/v1/conversations/${id}/messages`, {body}));
      show(message);
      input.control.value = '';
      scrollToEnd();
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

  // The messages already there are not news: the log is read out from the first new one on.
  log.setAttribute('aria-busy', 'true');
  try {
    await loadPage();
    const detail = await api.get(`/api/v1/conversations/${id}`);
    receipts = detail.readReceipts ?? [];
    box.querySelector('#thread-title').textContent = detail.conversation.title;
  } catch (error) {
    box.replaceChildren(h('p', {class: 'back-link'}, h('a', {href: '#/chat'}, '← All conversations')), errorBox(error));
    return null;
  }
  log.removeAttribute('aria-busy');
  if (!messages.size) log.append(none);
  placeReceipt();
  scrollToEnd();
  markRead();
  const timer = setInterval(refreshReceipts, 15_000);
  const onVisible = () => markRead();
  document.addEventListener('visibilitychange', onVisible);

  return {
    receive(message) {
      const follow = atEnd();
      show(message);
      if (follow) scrollToEnd();
      if (message.senderId !== account.id) markRead();
    },
    close() {
      closed = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
