// The tab's outbox: every message typed goes here first, with its clientMessageId, and leaves
// only when the server stored it (or the person discards it). Sends go strictly one at a time,
// in the order typed. A transient refusal (no network, 503, 429, another 5xx) keeps the message
// waiting and retries it with the same clientMessageId (the server stores it once); a
// permanent one (not_friends, blocked, …) marks it failed with the reason until it is retried
// or discarded. No DOM: node:test covers it. The queue is kept in sessionStorage per user, so a
// reload of the tab keeps it (and another tab never sends it a second time).
import { backoffDelay } from '../realtime/backoff.js';

/** True for refusals that may go away by themselves: retry later, same clientMessageId. */
export function isTransient(error) {
  const status = error?.status ?? 0;
  return status === 0 || status === 429 || status >= 500
    || ['network_error', 'rate_limited', 'unavailable'].includes(error?.code);
}

/** How long to wait before the next attempt: the server's Retry-After, else the backoff. */
export function retryDelay(error, attempts) {
  if (error?.retryAfter) {
    return error.retryAfter * 1000;
  }
  return backoffDelay(Math.max(1, attempts));
}

/** A client message id for idempotent retries (crypto.randomUUID needs a secure context). */
export function newClientMessageId() {
  if (globalThis.crypto?.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const plainError = (error) => ({
  status: error?.status ?? 0,
  code: error?.code ?? 'error',
  message: error?.message ?? '',
  retryAfter: error?.retryAfter ?? null,
  errors: error?.errors ?? null,
});

/**
 * Items: {clientMessageId, recipientId, content, state, error, retryAt, attempts} where state is
 * 'queued' (not tried yet, or being retried now), 'sending', 'waiting' (a transient refusal;
 * retried at retryAt) or 'failed' (a permanent refusal; error says why).
 *
 * Events: 'change' (the items changed), 'sent' {item, message}, 'failed' {item, error}.
 */
export class Outbox extends EventTarget {
  #send;
  #storage;
  #key;
  #delay;
  #now;
  #items = [];
  #running = false;
  #stopped = true;
  #timer = null;

  /**
   * send({recipientId, content, clientMessageId}): Promise<Message>, rejecting with an ApiError.
   * storage: a Storage (sessionStorage) or null; key: where this user's queue is kept.
   */
  constructor({ send, storage = null, key = 'social.outbox', delay = retryDelay, now = () => Date.now() }) {
    super();
    this.#send = send;
    this.#storage = storage;
    this.#key = key;
    this.#delay = delay;
    this.#now = now;
    this.#items = this.#restore();
  }

  /** A copy of the queue, in the order typed. */
  get items() {
    return this.#items.map((item) => ({ ...item }));
  }

  /** Starts sending (what a reload kept, and whatever comes). */
  start() {
    this.#stopped = false;
    this.#pump();
  }

  /** Stops sending; the queue stays where it is kept. */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Queues a message and returns its item. */
  enqueue(recipientId, content) {
    const item = {
      clientMessageId: newClientMessageId(), recipientId, content, state: 'queued', error: null, retryAt: null, attempts: 0,
    };
    this.#items.push(item);
    this.#changed();
    this.#pump();
    return { ...item };
  }

  /** Sends a failed (or waiting) message again, now, after everything queued before it. */
  retry(clientMessageId) {
    const item = this.#find(clientMessageId);
    if (!item || item.state === 'sending') {
      return;
    }
    // It goes behind what is still queued, so what the peer sees is still the order of sending.
    this.#items.splice(this.#items.indexOf(item), 1);
    this.#items.push(item);
    Object.assign(item, { state: 'queued', error: null, retryAt: null });
    this.#changed();
    this.#pump();
  }

  /** Drops a message that was not sent (a failed or waiting one). */
  discard(clientMessageId) {
    const item = this.#find(clientMessageId);
    if (!item || item.state === 'sending') {
      return;
    }
    this.#items.splice(this.#items.indexOf(item), 1);
    this.#changed();
  }

  /** The network (or the server) is back: retry what waits now instead of at its time. */
  wake() {
    let woke = false;
    for (const item of this.#items) {
      if (item.state === 'waiting') {
        item.retryAt = this.#now();
        woke = true;
      }
    }
    if (woke) {
      this.#changed();
    }
    this.#pump();
  }

  #find(clientMessageId) {
    return this.#items.find((item) => item.clientMessageId === clientMessageId);
  }

  /** Sends the first unsent message, then the next, one at a time; failed ones are passed over. */
  async #pump() {
    if (this.#running || this.#stopped) {
      return;
    }
    this.#running = true;
    clearTimeout(this.#timer);
    try {
      for (;;) {
        const item = this.#items.find((candidate) => candidate.state === 'queued' || candidate.state === 'waiting');
        if (!item || this.#stopped) {
          return;
        }
        const wait = item.state === 'waiting' ? item.retryAt - this.#now() : 0;
        if (wait > 0) {
          this.#timer = setTimeout(() => this.#pump(), wait);
          return;
        }
        item.state = 'sending';
        item.attempts += 1;
        this.#changed();
        let message;
        try {
          message = await this.#send({ recipientId: item.recipientId, content: item.content, clientMessageId: item.clientMessageId });
        } catch (error) {
          if (!this.#items.includes(item)) {
            continue;
          }
          if (error?.status === 401) {
            // The session ended (the page signs out): keep it queued for the next sign-in.
            item.state = 'queued';
            this.#changed();
            return;
          }
          if (isTransient(error)) {
            Object.assign(item, { state: 'waiting', error: plainError(error), retryAt: this.#now() + this.#delay(error, item.attempts) });
            this.#changed();
          } else {
            Object.assign(item, { state: 'failed', error: plainError(error), retryAt: null });
            this.#changed();
            this.dispatchEvent(new CustomEvent('failed', { detail: { item: { ...item }, error } }));
          }
          continue;
        }
        const index = this.#items.indexOf(item);
        if (index >= 0) {
          this.#items.splice(index, 1);
        }
        this.#changed();
        this.dispatchEvent(new CustomEvent('sent', { detail: { item: { ...item }, message } }));
      }
    } finally {
      this.#running = false;
    }
  }

  #changed() {
    this.#persist();
    this.dispatchEvent(new CustomEvent('change'));
  }

  #persist() {
    try {
      if (this.#items.length) {
        this.#storage?.setItem(this.#key, JSON.stringify(this.#items));
      } else {
        this.#storage?.removeItem(this.#key);
      }
    } catch {
      // Storage full or unavailable: the queue still lives in this page.
    }
  }

  #restore() {
    try {
      const saved = JSON.parse(this.#storage?.getItem(this.#key) ?? '[]');
      return Array.isArray(saved)
        ? saved.filter((item) => item?.clientMessageId && item.recipientId && typeof item.content === 'string')
          // A send cut short by the reload may or may not have arrived: the same id settles it.
          .map((item) => ({ ...item, state: item.state === 'failed' ? 'failed' : 'queued', retryAt: null, attempts: item.attempts ?? 0 }))
        : [];
    } catch {
      return [];
    }
  }
}
