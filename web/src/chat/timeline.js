// A direct chat's messages as data, no DOM: kept in seq order, each message once (by messageId,
// including ones hidden here), the newest and oldest seq fetched so far, gap detection for live
// pushes, and which messages are seen ("Seen" under my newest read one, what is still unread).

export class Timeline {
  #messages = []; // in seq order
  #knownIds = new Set(); // every id ever added or hidden, so nothing shows twice
  #newestSeq = 0;
  #oldestSeq = null;

  /** The messages shown, oldest first (do not modify). */
  get messages() {
    return this.#messages;
  }

  get length() {
    return this.#messages.length;
  }

  /** The highest seq ever added (0 when none): catch-up asks for what comes after it. */
  get newestSeq() {
    return this.#newestSeq;
  }

  /** The lowest seq ever added (null when none): older pages are fetched before it. */
  get oldestSeq() {
    return this.#oldestSeq;
  }

  /** The newest message still shown, or null. */
  get newest() {
    return this.#messages.at(-1) ?? null;
  }

  has(messageId) {
    return this.#knownIds.has(messageId);
  }

  /** True when a pushed message skips past seqs we have not got: fetch the gap instead. */
  isAhead(message) {
    return message.seq > this.#newestSeq + 1;
  }

  /**
   * Puts a message in its place by seq unless its id is known already. Returns the index it
   * was put at, or -1 when it was a double.
   */
  add(message) {
    if (this.#knownIds.has(message.messageId)) {
      return -1;
    }
    this.#knownIds.add(message.messageId);
    let index = this.#messages.length;
    while (index > 0 && this.#messages[index - 1].seq > message.seq) {
      index -= 1;
    }
    this.#messages.splice(index, 0, message);
    this.#newestSeq = Math.max(this.#newestSeq, message.seq);
    this.#oldestSeq = this.#oldestSeq === null ? message.seq : Math.min(this.#oldestSeq, message.seq);
    return index;
  }

  /**
   * Takes a message out (hidden for me). Its id stays known, so a later push or page does not
   * bring it back; the seq range stays, since it was fetched. Returns the removed message or null.
   */
  remove(messageId) {
    this.#knownIds.add(messageId);
    const index = this.#messages.findIndex((message) => message.messageId === messageId);
    return index < 0 ? null : this.#messages.splice(index, 1)[0];
  }

  /** My newest message the peer has read (seq ≤ their read position), where "Seen" goes; or null. */
  seenMessage(myId, peerReadSeq) {
    for (let index = this.#messages.length - 1; index >= 0; index -= 1) {
      const message = this.#messages[index];
      if (message.senderId === myId && message.seq <= peerReadSeq) {
        return message;
      }
    }
    return null;
  }

  /** Whether anyone else's message newer than `afterSeq` is shown (so marking read matters). */
  hasIncomingAfter(myId, afterSeq) {
    return this.#messages.some((message) => message.senderId !== myId && message.seq > afterSeq);
  }
}

/**
 * Which messages the reader has seen, and whether a mark-read call is worth making: only up to
 * the newest message scrolled into view, only forward, and only when something is unread.
 */
export class ReadCursor {
  #marked = 0;

  /** The position last marked (0 before any). */
  get marked() {
    return this.#marked;
  }

  /**
   * Decides on a mark-read up to `seenSeq`: returns the seq to send, or null
   * when there is nothing new seen or nothing unread (the position is still advanced then).
   */
  next(seenSeq, { hasUnread }) {
    if (seenSeq <= this.#marked) {
      return null;
    }
    this.#marked = seenSeq;
    return hasUnread ? seenSeq : null;
  }

  /** A mark-read failed: the next chance tries again. */
  failed() {
    this.#marked = 0;
  }
}
