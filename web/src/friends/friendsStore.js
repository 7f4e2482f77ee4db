// Accepted friends, pending requests (incoming and outgoing) and the blocked list.
import { friends as friendsApi } from '../api/client.js';

const PAGE = 50;

class FriendsStore extends EventTarget {
  lists = { accepted: [], pending: [], blocked: [] };
  cursors = { accepted: null, pending: null, blocked: null };
  loaded = false;
  #version = 0;

  get incoming() {
    return this.lists.pending.filter((item) => item.direction === 'incoming');
  }

  get outgoing() {
    return this.lists.pending.filter((item) => item.direction === 'outgoing');
  }

  get accepted() {
    return this.lists.accepted;
  }

  get blocked() {
    return this.lists.blocked;
  }

  async load() {
    const version = ++this.#version;
    const pages = await Promise.all(['accepted', 'pending', 'blocked'].map((status) => friendsApi.list(status, undefined, PAGE)));
    if (version !== this.#version) {
      return;
    }
    ['accepted', 'pending', 'blocked'].forEach((status, index) => {
      this.lists[status] = pages[index].items;
      this.cursors[status] = pages[index].nextCursor;
    });
    this.loaded = true;
    this.#changed();
  }

  async loadMore(status) {
    const cursor = this.cursors[status];
    if (!cursor) {
      return;
    }
    const version = this.#version;
    const page = await friendsApi.list(status, cursor, PAGE);
    if (version !== this.#version) {
      return;
    }
    const known = new Set(this.lists[status].map((item) => item.userId));
    this.lists[status] = [...this.lists[status], ...page.items.filter((item) => !known.has(item.userId))];
    this.cursors[status] = page.nextCursor;
    this.#changed();
  }

  /** A friend's presence changed (`presence_changed`): only the friend list shows it. */
  applyPresence(userId, presence) {
    const index = this.lists.accepted.findIndex((item) => item.userId === userId);
    if (index < 0) {
      return;
    }
    this.lists.accepted = this.lists.accepted.with(index, { ...this.lists.accepted[index], presence });
    this.#changed();
  }

  clear() {
    this.#version += 1;
    this.lists = { accepted: [], pending: [], blocked: [] };
    this.cursors = { accepted: null, pending: null, blocked: null };
    this.loaded = false;
    this.#changed();
  }

  #changed() {
    this.dispatchEvent(new CustomEvent('change'));
  }
}

export const friendsStore = new FriendsStore();
