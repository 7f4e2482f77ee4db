// The conversation list and unread counts, kept current from REST pages and real-time events.
import { messages as messagesApi } from '../api/client.js';

class Conversations extends EventTarget {
  items = new Map(); // conversationId -> { conversationId, peer, lastMessage, unreadCount, updatedAt }
  nextCursor = null;
  search = '';
  totalUnread = 0;
  loaded = false;
  peerReadSeq = new Map(); // conversationId -> the peer's read position, from read receipts
  #loadVersion = 0;
  #readVersion = 0; // bumped by every read of mine, so a load that overlapped one is redone

  /** Newest first. */
  get ordered() {
    return [...this.items.values()].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  }

  find(conversationId) {
    return this.items.get(conversationId) ?? null;
  }

  findByPeer(userId) {
    return [...this.items.values()].find((item) => item.peer?.userId === userId) ?? null;
  }

  /** Loads the first page (for the current search) and the total unread. */
  async load(search = this.search) {
    const version = ++this.#loadVersion;
    const reads = this.#readVersion;
    this.search = search;
    const [page, unread] = await Promise.all([messagesApi.conversations(search || undefined), messagesApi.unread()]);
    if (version !== this.#loadVersion) {
      return;
    }
    if (reads !== this.#readVersion) {
      // A read of mine landed while this page was on its way: its unread counts may predate it.
      await this.load(search);
      return;
    }
    this.items = new Map(page.items.map((item) => [item.conversationId, item]));
    this.nextCursor = page.nextCursor;
    this.totalUnread = unread.totalUnread;
    this.loaded = true;
    this.#changed();
  }

  async loadMore() {
    if (!this.nextCursor) {
      return;
    }
    const version = this.#loadVersion;
    const page = await messagesApi.conversations(this.search || undefined, this.nextCursor);
    if (version !== this.#loadVersion) {
      return;
    }
    for (const item of page.items) {
      this.items.set(item.conversationId, item);
    }
    this.nextCursor = page.nextCursor;
    this.#changed();
  }

  async refreshUnread() {
    this.#readVersion += 1;
    const unread = await messagesApi.unread();
    this.totalUnread = unread.totalUnread;
    this.#changed();
  }

  /**
   * A message arrived (pushed, or sent from this tab). `readNow`: the chat is open and visible,
   * so it does not count as unread. Returns true when the conversation was not known yet.
   */
  applyMessage(message, myUserId, { readNow }) {
    const item = this.items.get(message.conversationId);
    const incoming = message.senderId !== myUserId;
    if (!item) {
      if (incoming && !readNow) {
        this.totalUnread += 1;
      }
      this.#changed();
      return true;
    }
    const newer = !item.lastMessage || message.seq > item.lastMessage.seq;
    if (!newer) {
      return false;
    }
    item.lastMessage = message;
    item.updatedAt = message.createdAt;
    if (incoming && !readNow) {
      item.unreadCount += 1;
      this.totalUnread += 1;
    }
    this.#changed();
    return false;
  }

  /** A message was deleted for me: when it was the preview, the newest one left takes its place. */
  applyHidden(conversationId, messageId, newestLeft) {
    const item = this.items.get(conversationId);
    if (item?.lastMessage?.messageId !== messageId) {
      return;
    }
    item.lastMessage = newestLeft;
    this.#changed();
  }

  /** My read position moved (this tab or another): that conversation's unread is what is left. */
  applyOwnRead(conversationId, unreadCount) {
    this.#readVersion += 1;
    const item = this.items.get(conversationId);
    if (item && typeof unreadCount === 'number') {
      this.totalUnread = Math.max(0, this.totalUnread - item.unreadCount + unreadCount);
      item.unreadCount = unreadCount;
      this.#changed();
    }
  }

  /** A read receipt of mine from another tab: unread becomes what lies beyond lastReadSeq. */
  applyOwnReceipt(conversationId, lastReadSeq) {
    const item = this.items.get(conversationId);
    if (item?.lastMessage && item.lastMessage.seq <= lastReadSeq && item.unreadCount > 0) {
      this.applyOwnRead(conversationId, 0);
    }
  }

  /** The peer's read receipt: remembered so "Seen" shows even if the chat opens later. */
  applyPeerReceipt(conversationId, lastReadSeq) {
    if (lastReadSeq > (this.peerReadSeq.get(conversationId) ?? 0)) {
      this.peerReadSeq.set(conversationId, lastReadSeq);
    }
  }

  clear() {
    this.#loadVersion += 1;
    this.peerReadSeq = new Map();
    this.items = new Map();
    this.nextCursor = null;
    this.search = '';
    this.totalUnread = 0;
    this.loaded = false;
    this.#changed();
  }

  #changed() {
    this.dispatchEvent(new CustomEvent('change'));
  }
}

export const conversations = new Conversations();
