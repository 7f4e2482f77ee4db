// The outbox's messages to one peer, below the history in the order typed: "Sending…",
// "Queued…", "Not sent yet: …" while they retry by themselves, "Not sent: …" with Retry and
// Discard when refused. A message leaves this list once the stored one is shown.
import { describeError } from '../api/errors.js';
import { h, replaceChildren } from '../ui/dom.js';

export class PendingMessages {
  #outbox;
  #peerId;
  #shown = new Map(); // clientMessageId -> { element, status, actions, key }
  #delivered = new Set(); // whose stored message is shown (the push may beat the send's answer)

  constructor(outbox, peerId) {
    this.#outbox = outbox;
    this.#peerId = peerId;
    this.element = h('ol', { class: 'message-list pending-list', 'aria-label': 'Sending' });
  }

  /** The stored message of an outbox item is shown now: stop showing it as pending. */
  delivered(clientMessageId) {
    const entry = this.#shown.get(clientMessageId);
    if (!entry) {
      return;
    }
    this.#delivered.add(clientMessageId);
    entry.element.remove();
    this.#shown.delete(clientMessageId);
  }

  /** Redraws from the outbox, touching only what changed. */
  render() {
    const items = this.#outbox.items.filter((item) => item.recipientId === this.#peerId && !this.#delivered.has(item.clientMessageId));
    const keep = new Set(items.map((item) => item.clientMessageId));
    for (const [id, entry] of this.#shown) {
      if (!keep.has(id)) {
        entry.element.remove();
        this.#shown.delete(id);
      }
    }
    replaceChildren(this.element, items.map((item) => {
      let entry = this.#shown.get(item.clientMessageId);
      if (!entry) {
        entry = newEntry(item);
        this.#shown.set(item.clientMessageId, entry);
      }
      this.#update(entry, item);
      return entry.element;
    }));
  }

  #update(entry, item) {
    const state = { failed: 'failed', waiting: 'waiting', queued: 'queued' }[item.state] ?? 'sending';
    const key = `${state}|${item.error?.code ?? ''}`;
    if (entry.key === key) {
      return;
    }
    entry.key = key;
    entry.element.dataset.state = state;
    entry.status.textContent = statusText(state, item.error);
    replaceChildren(entry.actions, state === 'failed'
      ? [
        h('button', { type: 'button', class: 'link-button', onclick: () => this.#outbox.retry(item.clientMessageId) }, 'Retry'),
        h('button', { type: 'button', class: 'link-button', onclick: () => this.#outbox.discard(item.clientMessageId) }, 'Discard'),
      ]
      : null);
  }
}

function newEntry(item) {
  const status = h('span', { class: 'pending-status', role: 'status' });
  const actions = h('span', { class: 'pending-actions' });
  const element = h('li', { class: 'message mine pending', dataset: { clientMessageId: item.clientMessageId } },
    h('div', { class: 'bubble' }, h('p', { class: 'text', dir: 'auto' }, item.content)),
    h('div', { class: 'meta' }, status, actions));
  return { element, status, actions, key: null };
}

function statusText(state, error) {
  switch (state) {
    case 'queued':
      return 'Queued…';
    case 'waiting':
      if (error?.code === 'network_error' || error?.status === 0) {
        return 'Not sent yet: waiting for the connection…';
      }
      return error?.code === 'rate_limited' ? 'Not sent yet: too many messages, sending shortly…' : 'Not sent yet: the server is busy, sending shortly…';
    case 'failed':
      return `Not sent: ${describeError(error)}`;
    default:
      return 'Sending…';
  }
}
