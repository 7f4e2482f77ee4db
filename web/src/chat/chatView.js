// MessagesUI's chat window: history that loads older pages on scroll up, live messages
// (deduplicated by messageId, gap-free by seq), send box (through the tab's outbox: pending,
// waiting and failed messages show below the history), delete for me, "typing…" and "Seen".
import { friends as friendsApi, messages as messagesApi, users as usersApi } from '../api/client.js';
import { describeError } from '../api/errors.js';
import { initial } from '../friends/friendsView.js';
import { actionButton } from '../ui/buttons.js';
import { formatFullTime, formatTime, h, nameOf, replaceChildren } from '../ui/dom.js';
import { linkify } from '../ui/linkify.js';
import { errorBox } from '../ui/errorBox.js';
import { composer } from './composer.js';
import { conversations } from './conversations.js';

const PAGE = 50;
const TYPING_SEND_INTERVAL_MS = 2500;
const TYPING_SHOW_MS = 4000;
const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;

export function mountChat(container, ctx, { peerId }) {
  const me = ctx.me;
  let disposed = false;
  let peer = conversations.findByPeer(peerId)?.peer ?? null;
  let relationship = null; // null until known; 'unavailable' when the profile is hidden from us
  let conversationId = null;
  let ready = false;
  let needsCatchUp = false;

  // Messages in seq order; their ids (including ones hidden here) so nothing shows twice.
  const shown = []; // { message, element }
  const knownIds = new Set();
  const sentClientIds = new Set(); // outbox items whose message is shown (the push may beat the answer)
  const pendingShown = new Map(); // clientMessageId -> { element, status, actions, key }
  let oldestSeq = null;
  let newestSeq = 0;
  let hasOlder = false;
  let loadingOlder = false;
  let lastMarkedSeq = 0;

  // --- DOM --------------------------------------------------------------------------------
  const title = h('h2', { class: 'chat-title', id: 'chat-title', dir: 'auto' }, peer ? nameOf(peer) : 'Chat');
  const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' }, peer ? initial(peer) : '');
  const subtitle = h('span', { class: 'muted chat-subtitle' }, peer ? `@${peer.username}` : '');
  const typing = h('p', { class: 'typing', 'aria-live': 'polite', dataset: { testid: 'typing' } });
  const banner = h('div', { class: 'chat-banner', hidden: true });
  const historyError = errorBox();
  const sendError = errorBox();
  const olderButton = h('button', { type: 'button', class: 'button subtle older-button', hidden: true }, 'Load older messages');
  const list = h('ol', { class: 'message-list', id: 'message-list', 'aria-label': 'Messages' });
  const pendingList = h('ol', { class: 'message-list pending-list', 'aria-label': 'Sending' });
  const emptyNote = h('p', { class: 'muted empty-chat', hidden: true }, 'No messages yet. Say hello!');
  const log = h('div', { class: 'message-log', role: 'log', 'aria-labelledby': 'chat-title', tabindex: '0' },
    olderButton, emptyNote, list, pendingList);
  const jumpButton = h('button', { type: 'button', class: 'button jump-button', hidden: true }, 'New messages ↓');
  let lastTypingSent = 0;
  const box = composer({
    label: 'Message',
    placeholder: 'Write a message — Enter to send, Shift+Enter for a new line',
    onSubmit: send,
    onInput: () => {
      const now = Date.now();
      if (conversationId && relationship === 'friends' && now - lastTypingSent > TYPING_SEND_INTERVAL_MS) {
        lastTypingSent = now;
        ctx.realtime.invoke('Typing', conversationId).catch(() => {});
      }
    },
  });

  replaceChildren(container, h('section', { class: 'chat', 'aria-labelledby': 'chat-title' },
    h('header', { class: 'chat-head' },
      h('a', { href: '#/messages', class: 'back-link chat-back', 'aria-label': 'Back to conversations' }, '←'),
      avatar,
      h('div', { class: 'chat-head-text' },
        title,
        h('span', {}, subtitle, ' ', h('a', { href: `#/users/${encodeURIComponent(peerId)}`, class: 'profile-link' }, 'Profile'))),
      typing),
    banner, historyError.element, log, jumpButton, sendError.element, box.form));

  // --- rendering ----------------------------------------------------------------------------
  const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  const scrollToBottom = () => {
    log.scrollTop = log.scrollHeight;
    jumpButton.hidden = true;
  };

  function messageElement(message) {
    const mine = message.senderId === me.userId;
    const element = h('li', {
      class: `message ${mine ? 'mine' : 'theirs'}${message.isGreeting ? ' greeting' : ''}`,
      dataset: { seq: message.seq, messageId: message.messageId },
    },
    h('div', { class: 'bubble' },
      message.isGreeting ? h('span', { class: 'greeting-tag' }, 'Greeting') : null,
      h('p', { class: 'text', dir: 'auto' }, linkify(message.content))),
    h('div', { class: 'meta' },
      h('time', { datetime: message.createdAt, title: formatFullTime(message.createdAt) }, formatTime(message.createdAt)),
      actionButton('Delete for me', () => hide(message), {
        className: 'link-button delete-button',
        confirm: 'Confirm delete',
        onError: (error) => historyError.show(error),
      })));
    return element;
  }

  // --- the outbox's messages to this peer, in the order typed ---------------------------------
  function renderPending() {
    const items = ctx.outbox.items.filter((item) => item.recipientId === peerId && !sentClientIds.has(item.clientMessageId));
    const keep = new Set(items.map((item) => item.clientMessageId));
    for (const [id, entry] of pendingShown) {
      if (!keep.has(id)) {
        entry.element.remove();
        pendingShown.delete(id);
      }
    }
    const bottom = nearBottom();
    const elements = items.map((item) => {
      let entry = pendingShown.get(item.clientMessageId);
      if (!entry) {
        entry = pendingEntry(item);
        pendingShown.set(item.clientMessageId, entry);
      }
      updatePending(entry, item);
      return entry.element;
    });
    replaceChildren(pendingList, elements);
    if (bottom) {
      scrollToBottom();
    }
  }

  function pendingEntry(item) {
    const status = h('span', { class: 'pending-status', role: 'status' });
    const actions = h('span', { class: 'pending-actions' });
    const element = h('li', { class: 'message mine pending', dataset: { clientMessageId: item.clientMessageId } },
      h('div', { class: 'bubble' }, h('p', { class: 'text', dir: 'auto' }, item.content)),
      h('div', { class: 'meta' }, status, actions));
    return { element, status, actions, key: null };
  }

  function updatePending(entry, item) {
    const state = { failed: 'failed', waiting: 'waiting', queued: 'queued' }[item.state] ?? 'sending';
    const key = `${state}|${item.error?.code ?? ''}`;
    if (entry.key === key) {
      return;
    }
    entry.key = key;
    entry.element.dataset.state = state;
    entry.status.textContent = {
      sending: 'Sending…',
      queued: 'Queued…',
      waiting: item.error?.code === 'network_error' || item.error?.status === 0
        ? 'Not sent yet: waiting for the connection…'
        : item.error?.code === 'rate_limited' ? 'Not sent yet: too many messages, sending shortly…' : 'Not sent yet: the server is busy, sending shortly…',
      failed: `Not sent: ${describeError(item.error)}`,
    }[state];
    replaceChildren(entry.actions, state === 'failed'
      ? [
        h('button', { type: 'button', class: 'link-button', onclick: () => ctx.outbox.retry(item.clientMessageId) }, 'Retry'),
        h('button', { type: 'button', class: 'link-button', onclick: () => ctx.outbox.discard(item.clientMessageId) }, 'Discard'),
      ]
      : null);
  }

  /** Puts a message in its place by seq unless it is already there. Returns true if added. */
  function insert(message) {
    if (message.conversationId !== conversationId || knownIds.has(message.messageId)) {
      return false;
    }
    knownIds.add(message.messageId);
    if (message.clientMessageId && pendingShown.has(message.clientMessageId)) {
      sentClientIds.add(message.clientMessageId);
      pendingShown.get(message.clientMessageId).element.remove();
      pendingShown.delete(message.clientMessageId);
    }
    const element = messageElement(message);
    let index = shown.length;
    while (index > 0 && shown[index - 1].message.seq > message.seq) {
      index -= 1;
    }
    list.insertBefore(element, shown[index]?.element ?? null);
    shown.splice(index, 0, { message, element });
    newestSeq = Math.max(newestSeq, message.seq);
    oldestSeq = oldestSeq === null ? message.seq : Math.min(oldestSeq, message.seq);
    emptyNote.hidden = true;
    return true;
  }

  function renderSeen() {
    for (const marker of list.querySelectorAll('.seen')) {
      marker.remove();
    }
    const readSeq = conversationId ? conversations.peerReadSeq.get(conversationId) ?? 0 : 0;
    for (let index = shown.length - 1; index >= 0; index -= 1) {
      const { message, element } = shown[index];
      if (message.senderId === me.userId && message.seq <= readSeq) {
        element.querySelector('.meta time').after(h('span', { class: 'seen', dataset: { testid: 'seen' } }, 'Seen'));
        return;
      }
    }
  }

  let bannerShown = null;
  function renderBanner() {
    const name = nameOf(peer);
    if (bannerShown === `${relationship}|${name}`) {
      return; // unchanged: keep its buttons as they are
    }
    bannerShown = `${relationship}|${name}`;
    const onError = (error) => sendError.show(error);
    const after = async () => {
      ctx.broadcast({ type: 'friends_changed' });
      await loadRelationship();
    };
    const content = {
      none: [`You and ${name} are not friends, so you can't message each other.`,
        actionButton('Send friend request', async () => { await friendsApi.request(peerId); await after(); }, { onError, className: 'button primary' })],
      pending_outgoing: [`Friend request sent. You can message ${name} once they accept.`],
      pending_incoming: [`${name} wants to be your friend. Accept to reply.`,
        actionButton('Accept', async () => { await friendsApi.accept(peerId); await after(); }, { onError, className: 'button primary' }),
        actionButton('Reject', async () => { await friendsApi.reject(peerId); await after(); }, { onError })],
      blocked: [`You blocked ${name}. Unblock them to send messages.`,
        actionButton('Unblock', async () => { await friendsApi.unblock(peerId); await after(); }, { onError })],
      unavailable: ['This user is not available. You can\'t send them messages.'],
    }[relationship];
    banner.hidden = !content;
    replaceChildren(banner, content ? h('p', {}, content[0]) : null, content ? h('div', { class: 'actions' }, content.slice(1)) : null);
    box.setBlocked(content ? 'hard' : false);
  }

  // --- loading ------------------------------------------------------------------------------
  async function loadRelationship() {
    try {
      const profile = await usersApi.get(peerId);
      peer = profile;
      relationship = profile.relationship;
    } catch (error) {
      if (error.code !== 'user_not_found') {
        throw error;
      }
      relationship = 'unavailable';
    }
    if (disposed) {
      return;
    }
    title.textContent = nameOf(peer);
    avatar.textContent = peer ? initial(peer) : '';
    subtitle.textContent = peer?.username ? `@${peer.username}` : '';
    renderBanner();
  }

  async function load() {
    await loadRelationship().catch((error) => historyError.show(error));
    try {
      conversationId = conversations.findByPeer(peerId)?.conversationId
        ?? (await messagesApi.conversationWith(peerId)).conversationId;
    } catch (error) {
      historyError.show(error);
      return;
    }
    if (disposed) {
      return;
    }
    ctx.setOpenConversation(conversationId);
    ctx.readingLatest = () => nearBottom();
    let page = { items: [], hasMore: false };
    try {
      page = await messagesApi.history(conversationId, { limit: PAGE });
    } catch (error) {
      // A conversation with no messages does not exist yet: start empty.
      if (error.code !== 'conversation_not_found') {
        historyError.show(error);
      }
    }
    if (disposed) {
      return;
    }
    page.items.forEach(insert);
    // How far the peer has read, so "Seen" shows after a reload too (live receipts add to it).
    for (const cursor of page.readBy ?? []) {
      if (cursor.userId !== me.userId) {
        conversations.applyPeerReceipt(conversationId, cursor.lastReadSeq);
      }
    }
    hasOlder = page.hasMore;
    olderButton.hidden = !hasOlder;
    emptyNote.hidden = shown.length > 0;
    ready = true;
    renderSeen();
    scrollToBottom();
    await fillViewport();
    if (needsCatchUp) {
      catchUp();
    }
    markRead();
  }

  /** Loads older pages while the history does not fill the window (so scrolling can start). */
  async function fillViewport() {
    for (let round = 0; round < 5 && hasOlder && log.scrollHeight <= log.clientHeight; round += 1) {
      await loadOlder();
    }
  }

  async function loadOlder() {
    if (!hasOlder || loadingOlder || !conversationId || oldestSeq === null) {
      return;
    }
    loadingOlder = true;
    olderButton.disabled = true;
    olderButton.textContent = 'Loading…';
    try {
      const page = await messagesApi.history(conversationId, { beforeSeq: oldestSeq, limit: PAGE });
      if (disposed) {
        return;
      }
      const previousHeight = log.scrollHeight;
      const previousTop = log.scrollTop;
      page.items.forEach(insert);
      hasOlder = page.hasMore && page.items.length > 0;
      // Keep what the reader was looking at in place.
      log.scrollTop = previousTop + (log.scrollHeight - previousHeight);
      renderSeen();
    } catch (error) {
      historyError.show(error);
    } finally {
      loadingOlder = false;
      olderButton.disabled = false;
      olderButton.textContent = 'Load older messages';
      olderButton.hidden = !hasOlder;
    }
  }

  // Catch-up after a reconnect or a gap: every message after the newest one we have, page by
  // page, one run at a time. Together with dedupe by messageId nothing is missed or doubled.
  let catchUpRun = Promise.resolve();
  function catchUp() {
    if (!ready) {
      needsCatchUp = true;
      return catchUpRun;
    }
    needsCatchUp = false;
    catchUpRun = catchUpRun.then(async () => {
      for (let round = 0; round < 50 && !disposed; round += 1) {
        const bottom = nearBottom();
        const page = await messagesApi.history(conversationId, { afterSeq: newestSeq, limit: 100 });
        const added = page.items.filter(insert).length;
        if (added && bottom) {
          scrollToBottom();
        } else if (added) {
          jumpButton.hidden = false;
        }
        if (!page.hasMore || page.items.length === 0) {
          break;
        }
      }
      renderSeen();
      markRead();
    }).catch((error) => {
      if (error.code !== 'conversation_not_found') {
        historyError.show(error);
      }
    });
    return catchUpRun;
  }

  // --- read state -------------------------------------------------------------------------
  let markTimer = null;
  function markRead() {
    clearTimeout(markTimer);
    markTimer = setTimeout(async () => {
      const upTo = lastSeenSeq();
      if (disposed || !conversationId || document.visibilityState !== 'visible' || upTo <= lastMarkedSeq) {
        return;
      }
      const hasIncoming = shown.some(({ message }) => message.senderId !== me.userId && message.seq > lastMarkedSeq);
      const item = conversations.find(conversationId);
      lastMarkedSeq = upTo;
      if (!hasIncoming && !(item?.unreadCount > 0)) {
        return;
      }
      try {
        const state = await messagesApi.markRead(conversationId, upTo);
        conversations.applyOwnRead(conversationId, state.unreadCount);
      } catch {
        lastMarkedSeq = 0; // try again next time
      }
    }, 100);
  }

  /** The newest message whose top is inside the visible part of the history. */
  function lastSeenSeq() {
    if (nearBottom()) {
      return newestSeq;
    }
    const visibleBottom = log.getBoundingClientRect().bottom;
    for (let index = shown.length - 1; index >= 0; index -= 1) {
      if (shown[index].element.getBoundingClientRect().top < visibleBottom) {
        return shown[index].message.seq;
      }
    }
    return 0;
  }

  // --- actions ------------------------------------------------------------------------------
  /** Into the outbox, which sends one at a time in the order typed (and keeps what it cannot send yet). */
  function send(text) {
    sendError.clear();
    ctx.outbox.enqueue(peerId, text);
    box.value = '';
    scrollToBottom();
  }

  function sent({ detail: { message } }) {
    if (disposed || message.recipientId !== peerId) {
      return;
    }
    if (!conversationId) {
      // The chat could not load (e.g. opened offline): now it exists, fetch it.
      conversationId = message.conversationId;
      ctx.setOpenConversation(conversationId);
      historyError.clear();
      ready = true;
    }
    const gap = message.seq > newestSeq + 1;
    insert(message);
    if (gap) {
      catchUp(); // the peer's messages in between have not arrived yet: fetch them
    }
    renderSeen();
    scrollToBottom();
  }

  function failed({ detail: { item, error } }) {
    if (disposed || item.recipientId !== peerId) {
      return;
    }
    sendError.show(error);
    if (error.code === 'blocked' || error.code === 'not_friends') {
      // The relationship changed behind our back: say so, and close the box if it is closed.
      loadRelationship().then(() => sendError.show(error)).catch(() => {});
    }
  }

  async function hide(message) {
    await messagesApi.hide(message.conversationId, message.messageId);
    removeShown(message.messageId);
    conversations.applyHidden(message.conversationId, message.messageId, shown.at(-1)?.message ?? null);
    ctx.broadcast({ type: 'hidden', conversationId: message.conversationId, messageId: message.messageId });
  }

  function removeShown(messageId) {
    const index = shown.findIndex(({ message }) => message.messageId === messageId);
    if (index >= 0) {
      shown[index].element.remove();
      shown.splice(index, 1);
      renderSeen();
      emptyNote.hidden = shown.length > 0;
    }
  }

  // --- events -------------------------------------------------------------------------------
  let typingTimer = null;
  const handlers = {
    new_message: ({ detail: message }) => {
      if (message.conversationId !== conversationId && !(message.senderId === peerId || message.recipientId === peerId)) {
        return;
      }
      if (!ready || message.conversationId !== conversationId) {
        needsCatchUp = true;
        return;
      }
      if (message.senderId === peerId) {
        typing.textContent = '';
      }
      if (knownIds.has(message.messageId)) {
        return;
      }
      if (message.seq > newestSeq + 1) {
        catchUp(); // something is missing in between: fetch the whole gap
        return;
      }
      const bottom = nearBottom();
      insert(message);
      renderSeen();
      if (bottom || message.senderId === me.userId) {
        scrollToBottom();
      } else {
        jumpButton.hidden = false;
      }
      markRead();
    },
    read_receipt: ({ detail: receipt }) => {
      if (receipt.conversationId === conversationId && receipt.readerId !== me.userId) {
        renderSeen();
      }
    },
    typing: ({ detail: event }) => {
      if (event.conversationId === conversationId && event.userId === peerId) {
        typing.textContent = `${nameOf(peer)} is typing…`;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => {
          typing.textContent = '';
        }, TYPING_SHOW_MS);
      }
    },
    resync: () => {
      catchUp();
      loadRelationship().catch(() => {});
    },
    friend_accepted: ({ detail: accepted }) => {
      if (accepted.userId === peerId) {
        loadRelationship().catch(() => {});
      }
    },
    friend_request: ({ detail: request }) => {
      if (request.fromUserId === peerId) {
        loadRelationship().catch(() => {});
      }
    },
  };
  for (const [name, handler] of Object.entries(handlers)) {
    ctx.realtime.addEventListener(name, handler);
  }
  const onVisibility = () => {
    if (document.visibilityState === 'visible') {
      markRead();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  log.addEventListener('scroll', () => {
    if (log.scrollTop < NEAR_TOP_PX) {
      loadOlder();
    }
    if (nearBottom()) {
      jumpButton.hidden = true;
    }
    markRead(); // what scrolled into view is seen now
  });
  olderButton.addEventListener('click', loadOlder);
  jumpButton.addEventListener('click', scrollToBottom);
  const outboxHandlers = { change: renderPending, sent, failed };
  for (const [name, handler] of Object.entries(outboxHandlers)) {
    ctx.outbox.addEventListener(name, handler);
  }

  if (peerId === me.userId) {
    // One clear message rather than a friend banner and a refusal that contradict each other.
    ready = true;
    box.setBlocked('hard');
    banner.hidden = false;
    replaceChildren(banner, h('p', { role: 'alert' }, 'This is you. Open a chat with a friend to send a message.'));
  } else {
    load();
  }
  renderPending();
  box.focus();

  return {
    unmount() {
      disposed = true;
      clearTimeout(typingTimer);
      clearTimeout(markTimer);
      for (const [name, handler] of Object.entries(handlers)) {
        ctx.realtime.removeEventListener(name, handler);
      }
      document.removeEventListener('visibilitychange', onVisibility);
      for (const [name, handler] of Object.entries(outboxHandlers)) {
        ctx.outbox.removeEventListener(name, handler);
      }
      ctx.setOpenConversation(null);
      ctx.readingLatest = null;
    },
    /** Another tab hid a message. */
    hidden(messageId) {
      knownIds.add(messageId);
      removeShown(messageId);
    },
    /** Friends changed in another tab. */
    refreshRelationship() {
      loadRelationship().catch(() => {});
    },
  };
}
