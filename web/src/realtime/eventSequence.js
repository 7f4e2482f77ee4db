// Continuity of the user's event sequence across connections (docs/api.md, "Event positions"):
// no DOM, no SignalR, so node:test covers it. The connection feeds it what the server says
// (a new connection, `session`, each event with its position, `resync`) and it decides what the
// app sees: events in order and once each, and "resync" (catch up through REST) whenever
// something may have been missed and cannot be replayed.
//
// Positions are {epoch, seq}. `last` is the position of the newest event applied (or the
// position a catch-up brought us to); events compare with it only within one epoch.

/** The outcome of comparing an event's position with the last one applied. */
export function classify(last, position) {
  if (!position) {
    return 'unsequenced'; // typing: not owed, no position
  }
  if (!last || position.epoch !== last.epoch) {
    return 'gap'; // a new run of the sequence that no resync announced
  }
  if (position.seq <= last.seq) {
    return 'duplicate';
  }
  return position.seq === last.seq + 1 ? 'next' : 'gap';
}

/** What to do on a connection's `session` position, given the last position applied. */
export function planSession(last, session) {
  if (!last || last.epoch !== session.epoch || last.seq > session.seq) {
    return 'resync'; // first connect, or another run of the sequence: replay cannot help
  }
  return last.seq === session.seq ? 'live' : 'resume';
}

const samePosition = (position) => position && { epoch: Number(position.epoch), seq: Number(position.seq) };

/**
 * dispatch(name, payload): hand an event to the app.
 * resync(): the app catches up through REST.
 * resume(position): Promise<{complete, events:[{type, data, epoch, seq}]}> on the current connection.
 */
export class EventSequence {
  #dispatch;
  #resync;
  #resume;
  #last = null;
  #buffer = null; // live events held back while a connection's session is being settled
  #connection = 0;

  constructor({ dispatch, resync, resume }) {
    this.#dispatch = dispatch;
    this.#resync = resync;
    this.#resume = resume;
  }

  /** The position of the newest event applied, or null. */
  get last() {
    return this.#last && { ...this.#last };
  }

  /** True between a new connection and the end of its session handling (events are buffered). */
  get settling() {
    return this.#buffer !== null;
  }

  /** A new connection opened: hold its events back until its `session` arrives. */
  connectionStarted() {
    this.#connection += 1;
    this.#buffer = [];
  }

  /** The server named the position this connection's events follow. */
  async session(position) {
    const session = samePosition(position);
    const connection = this.#connection;
    const plan = planSession(this.#last, session);
    if (plan === 'resume') {
      let answer = null;
      try {
        answer = await this.#resume({ ...this.#last });
      } catch {
        answer = null; // the connection dropped, or the server refused: catch up instead
      }
      if (connection !== this.#connection) {
        return; // a newer connection took over; its own session decides
      }
      if (answer?.complete) {
        for (const event of answer.events ?? []) {
          this.#live(event.type, event.data, samePosition(event));
        }
      }
      if (!answer?.complete || !this.#last || this.#last.epoch !== session.epoch || this.#last.seq < session.seq) {
        this.#catchUp(session);
      }
    } else if (plan === 'resync') {
      this.#catchUp(session);
    }
    this.#flush();
  }

  /** The connection did not say where it stands (no `session` in time): catch up, then go live. */
  sessionMissing() {
    if (this.#buffer === null) {
      return;
    }
    this.#resync();
    this.#last = null;
    const held = this.#buffer;
    this.#buffer = null;
    // Without a position to start from, accept the first one we see as the start.
    for (const { name, payload, position } of held) {
      this.#live(name, payload, position);
    }
  }

  /** An event from the server, with its position or none (typing). */
  event(name, payload, position) {
    const at = samePosition(position);
    if (this.#buffer !== null && at) {
      this.#buffer.push({ name, payload, position: at });
      return;
    }
    this.#live(name, payload, at);
  }

  /** The server's `resync`: events were lost beyond repair; later ones follow `position`. */
  serverResync(position) {
    this.#catchUp(samePosition(position));
  }

  #live(name, payload, at) {
    if (at && this.#last === null) {
      this.#last = { epoch: at.epoch, seq: at.seq - 1 }; // no reference point: start here
    }
    const kind = classify(this.#last, at);
    if (kind === 'gap') {
      // Same epoch and a seq skipped, or a new epoch unannounced: what is between is lost to
      // this connection (the server repairs gaps before it sends), so catch up through REST.
      this.#resync();
      this.#last = at;
      this.#dispatch(name, payload);
      return;
    }
    if (kind === 'duplicate') {
      return;
    }
    if (at) {
      this.#last = at;
    }
    this.#dispatch(name, payload);
  }

  #catchUp(position) {
    this.#resync();
    if (position) {
      this.#last = position;
    }
  }

  #flush() {
    const held = this.#buffer ?? [];
    this.#buffer = null;
    for (const { name, payload, position } of held) {
      this.#live(name, payload, position);
    }
  }
}
