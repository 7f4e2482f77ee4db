// MessagesUI's chat window: loads the history (older pages on scroll up, catch-up after a gap
// or a reconnect), live messages, marking read what was seen, and the send box. Its parts:
// timeline.js (order, doubles, gaps), chatLog.js (scrolling), messageItem.js, days.js,
// pendingMessages.js (the outbox's messages), chatBanner.js (relationship), typing.js.
import { messages as messagesApi, users as usersApi } from '../api/client.js';
import { initial } from '../friends/friendsView.js';
import { h, nameOf, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';
import { ChatBanner } from './chatBanner.js';
import { ChatLog } from './chatLog.js';
import { composer } from './composer.js';
import { conversations } from './conversations.js';
import { daySeparators } from './days.js';
import { dayItem, messageItem, placeSeen } from './messageItem.js';
import { PendingMessages } from './pendingMessages.js';
import { ReadCursor, Timeline } from './timeline.js';
import { typingLine, typingThrottle } from './typing.js';

const PAGE = 50;

export function mountChat(container, ctx, { peerId }) {
  const me = ctx.me;
  let disposed = false;
  let peer = conversations.findByPeer(peerId)?.peer ?? null;
  let relationship = null; // null until known; 'unavailable' when the profile is hidden from us
  let conversationId = null;
  let ready = false;
  let needsCatchUp = false;

  const timeline = new Timeline();
  const elements = new Map(); // messageId -> its list item
  const readCursor = new ReadCursor();
  let hasOlder = false;
  let loadingOlder = false;

  // --- DOM --------------------------------------------------------------------------------
  const title = h('h2', { class: 'chat-title', id: 'chat-title', dir: 'auto' }, peer ? nameOf(peer) : 'Chat');
  const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' }, peer ? initial(peer) : '');
  const subtitle = h('span', { class: 'muted chat-subtitle' }, peer ? `@${peer.username}` : '');
  const typing = typingLine();
  const historyError = errorBox();
  const sendError = errorBox();
  const banner = new ChatBanner(peerId, {
    onChanged: async () => {
      ctx.broadcast({ type: 'friends_changed' });
      await loadRelationship();
    },
    onError: (error) => sendError.show(error),
  });
  const olderButton = h('button', { type: 'button', class: 'button subtle older-button', hidden: true }, 'Load older messages');
  const list = h('ol', { class: 'message-list', id: 'message-list', 'aria-label': 'Messages' });
  const pending = new PendingMessages(ctx.outbox, peerId);
  const emptyNote = h('p', { class: 'muted empty-chat', hidden: true }, 'No messages yet. Say hello!');
  const log = new ChatLog([olderButton, emptyNote, list, pending.element], {
    onTop: () => loadOlder(),
    onScroll: () => markRead(), // what scrolled into view is seen now
  });
  const sendTyping = typingThrottle(() => ctx.realtime.invoke('Typing', conversationId).catch(() => {}));
  const box = composer({
    label: 'Message',
    placeholder: 'Write a message — Enter to send, Shift+Enter for a new line',
    onSubmit: send,
    onInput: () => {
      if (conversationId && relationship === 'friends') {
        sendTyping();
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
      typing.element),
    banner.element, historyError.element, log.element, log.jumpButton, sendError.element, box.form));

  // --- rendering ----------------------------------------------------------------------------
  const nearBottom = () => log.nearBottom();
  const scrollToBottom = () => log.scrollToBottom();

  function renderPending() {
    const bottom = nearBottom();
    pending.render();
    if (bottom) {
      scrollToBottom();
    }
  }

  /** Puts a message in its place by seq unless it is already there. Returns true if added. */
  function insert(message) {
    if (message.conversationId !== conversationId) {
      return false;
    }
    const index = timeline.add(message);
    if (index < 0) {
      return false;
    }
    if (message.clientMessageId) {
      pending.delivered(message.clientMessageId);
    }
    const element = messageItem(message, {
      mine: message.senderId === me.userId,
      onHide: hide,
      onError: (error) => historyError.show(error),
    });
    const next = timeline.messages[index + 1];
    list.insertBefore(element, next ? elements.get(next.messageId) : null);
    elements.set(message.messageId, element);
    emptyNote.hidden = true;
    return true;
  }

  /** Day separators ("Today", "Yesterday", dates) before the first message of each day. */
  function renderDays() {
    for (const separator of list.querySelectorAll('.day-separator')) {
      separator.remove();
    }
    const messages = timeline.messages;
    for (const { index, key, label } of daySeparators(messages, new Date())) {
      list.insertBefore(dayItem(key, label), elements.get(messages[index].messageId));
    }
  }

  /** What depends on the whole timeline: day separators and where "Seen" goes. */
  function renderMarkers() {
    renderDays();
    renderSeen();
  }

  function renderSeen() {
    const readSeq = conversationId ? conversations.peerReadSeq.get(conversationId) ?? 0 : 0;
    const seen = timeline.seenMessage(me.userId, readSeq);
    placeSeen(list, seen ? elements.get(seen.messageId) : null);
  }

  function renderBanner() {
    const closed = banner.render(relationship, nameOf(peer));
    if (closed !== undefined) {
      box.setBlocked(closed ? 'hard' : false);
    }
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
    emptyNote.hidden = timeline.length > 0;
    ready = true;
    renderMarkers();
    scrollToBottom();
    await fillViewport();
    if (needsCatchUp) {
      catchUp();
    }
    markRead();
  }

  /** Loads older pages while the history does not fill the window (so scrolling can start). */
  async function fillViewport() {
    for (let round = 0; round < 5 && hasOlder && !log.filled; round += 1) {
      await loadOlder();
    }
  }

  async function loadOlder() {
    if (!hasOlder || loadingOlder || !conversationId || timeline.oldestSeq === null) {
      return;
    }
    loadingOlder = true;
    olderButton.disabled = true;
    olderButton.textContent = 'Loading…';
    try {
      const page = await messagesApi.history(conversationId, { beforeSeq: timeline.oldestSeq, limit: PAGE });
      if (disposed) {
        return;
      }
      log.keepPlace(() => {
        page.items.forEach(insert);
        renderMarkers();
      });
      hasOlder = page.hasMore && page.items.length > 0;
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
        const page = await messagesApi.history(conversationId, { afterSeq: timeline.newestSeq, limit: 100 });
        const added = page.items.filter(insert).length;
        if (added) {
          renderMarkers();
        }
        if (added && bottom) {
          scrollToBottom();
        } else if (added) {
          log.showJump();
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
      if (disposed || !conversationId || document.visibilityState !== 'visible') {
        return;
      }
      const hasUnread = timeline.hasIncomingAfter(me.userId, readCursor.marked)
        || conversations.find(conversationId)?.unreadCount > 0;
      const upTo = readCursor.next(lastSeenSeq(), { hasUnread });
      if (upTo === null) {
        return;
      }
      try {
        const state = await messagesApi.markRead(conversationId, upTo);
        conversations.applyOwnRead(conversationId, state.unreadCount);
      } catch {
        readCursor.failed(); // try again next time
      }
    }, 100);
  }

  /** The newest message whose top is inside the visible part of the history. */
  function lastSeenSeq() {
    if (nearBottom()) {
      return timeline.newestSeq;
    }
    const messages = timeline.messages;
    const index = log.lastInView(messages.map((message) => elements.get(message.messageId)));
    return index < 0 ? 0 : messages[index].seq;
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
    const gap = timeline.isAhead(message);
    insert(message);
    if (gap) {
      catchUp(); // the peer's messages in between have not arrived yet: fetch them
    }
    renderMarkers();
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
    conversations.applyHidden(message.conversationId, message.messageId, timeline.newest);
    ctx.broadcast({ type: 'hidden', conversationId: message.conversationId, messageId: message.messageId });
  }

  function removeShown(messageId) {
    if (timeline.remove(messageId)) {
      elements.get(messageId).remove();
      elements.delete(messageId);
      renderMarkers();
      emptyNote.hidden = timeline.length > 0;
    }
  }

  // --- events -------------------------------------------------------------------------------
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
        typing.clear();
      }
      if (timeline.has(message.messageId)) {
        return;
      }
      if (timeline.isAhead(message)) {
        catchUp(); // something is missing in between: fetch the whole gap
        return;
      }
      const bottom = nearBottom();
      insert(message);
      renderMarkers();
      if (bottom || message.senderId === me.userId) {
        scrollToBottom();
      } else {
        log.showJump();
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
        typing.show(nameOf(peer));
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
  olderButton.addEventListener('click', loadOlder);
  const outboxHandlers = { change: renderPending, sent, failed };
  for (const [name, handler] of Object.entries(outboxHandlers)) {
    ctx.outbox.addEventListener(name, handler);
  }

  if (peerId === me.userId) {
    // One clear message rather than a friend banner and a refusal that contradict each other.
    ready = true;
    box.setBlocked('hard');
    banner.showSelf();
  } else {
    load();
  }
  renderPending();
  box.focus();

  return {
    unmount() {
      disposed = true;
      typing.dispose();
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
      removeShown(messageId);
    },
    /** Friends changed in another tab. */
    refreshRelationship() {
      loadRelationship().catch(() => {});
    },
  };
}
