// The SignalR connection to /hubs/messages?sequenced=true (official @microsoft/signalr client,
// loaded as lib/signalr/signalr.min.js). It reconnects by itself with exponential backoff and
// reports its state. Events carry their position in the user's event sequence (docs/api.md);
// EventSequence keeps them in order and once each, replays what a reconnect missed with
// `Resume`, and emits "resync" (the features fetch what they missed through REST) when replay
// cannot help: the first connect, another epoch, a gap, or the server's own `resync`.
import { backoffDelay } from './backoff.js';
import { EventSequence } from './eventSequence.js';

export const EVENTS = [
  'new_message', 'read_receipt', 'friend_request', 'friend_accepted', 'typing', 'error',
  'friend_request_cancelled', 'friend_request_rejected', 'friend_removed', 'user_blocked', 'user_unblocked',
  'group_read',
  'presence_changed',
];

/** How long a new connection may take to send its `session` before we catch up without it. */
const SESSION_WAIT_MS = 5000;

export class RealtimeConnection extends EventTarget {
  #tokenProvider;
  #hub = null;
  #stopped = true;
  #restartTimer = null;
  #attempt = 0;
  #sequence;
  #session = null; // this connection's `session` position, until it is settled
  #sessionTimer = null;
  state = 'disconnected';

  /** tokenProvider(): the current access token, or null when signed out. */
  constructor(tokenProvider) {
    super();
    this.#tokenProvider = tokenProvider;
    this.#sequence = this.#newSequence();
  }

  #newSequence() {
    return new EventSequence({
      dispatch: (name, payload) => this.dispatchEvent(new CustomEvent(name, { detail: payload })),
      resync: () => this.dispatchEvent(new CustomEvent('resync')),
      resume: (position) => this.invoke('Resume', position),
    });
  }

  /** The position of the newest event applied ({epoch, seq}), or null. */
  get position() {
    return this.#sequence.last;
  }

  start() {
    if (!this.#stopped) {
      return;
    }
    const signalR = globalThis.signalR;
    if (!signalR) {
      throw new Error('The SignalR client (lib/signalr/signalr.min.js) did not load.');
    }
    this.#stopped = false;
    this.#attempt = 0;
    this.#sequence = this.#newSequence(); // a sign-in starts from nothing (maybe another user)

    const hub = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/messages?sequenced=true', { accessTokenFactory: () => this.#tokenProvider() ?? '' })
      .withAutomaticReconnect({
        // A refused token will not get better by retrying: stop, and let onclose report it.
        nextRetryDelayInMilliseconds: (context) => (isUnauthorized(context.retryReason) ? null : backoffDelay(context.previousRetryCount + 1)),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    for (const name of EVENTS) {
      hub.on(name, (payload, position) => {
        if (hub === this.#hub) {
          this.#sequence.event(name, payload, position);
        }
      });
    }
    hub.on('session', (position) => {
      if (hub === this.#hub) {
        this.#session = position;
        this.#settle();
      }
    });
    hub.on('resync', (position) => {
      if (hub === this.#hub) {
        this.#sequence.serverResync(position);
      }
    });
    hub.onreconnecting(() => {
      // The next connection's events are held back until its session is settled.
      this.#session = null;
      this.#sequence.connectionStarted();
      this.#setState('reconnecting');
    });
    hub.onreconnected(() => this.#connected());
    // The automatic policy only covers drops after a successful start, and a server that
    // closes the connection on shutdown may end it outright: keep trying with the same backoff.
    hub.onclose((error) => {
      if (isUnauthorized(error)) {
        this.dispatchEvent(new CustomEvent('unauthorized'));
        return;
      }
      if (!this.#stopped && hub === this.#hub) {
        this.#setState('reconnecting');
        this.#scheduleStart();
      }
    });
    this.#hub = hub;
    this.#setState('connecting');
    this.#tryStart();
  }

  async stop() {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#sessionTimer);
    const hub = this.#hub;
    this.#hub = null;
    this.#setState('disconnected');
    if (hub) {
      await hub.stop().catch(() => {});
    }
  }

  /** Calls a hub method; rejects when not connected. */
  invoke(method, ...args) {
    if (this.#hub?.state !== 'Connected') {
      return Promise.reject(new Error('not connected'));
    }
    return this.#hub.invoke(method, ...args);
  }

  async #tryStart() {
    const hub = this.#hub;
    if (!hub || this.#stopped || hub.state !== 'Disconnected') {
      return;
    }
    this.#session = null;
    this.#sequence.connectionStarted();
    try {
      await hub.start();
      if (hub === this.#hub && !this.#stopped) {
        this.#connected();
      }
    } catch (error) {
      if (isUnauthorized(error)) {
        this.dispatchEvent(new CustomEvent('unauthorized'));
        return;
      }
      if (hub === this.#hub && !this.#stopped) {
        this.#setState('reconnecting');
        this.#scheduleStart();
      }
    }
  }

  #scheduleStart() {
    clearTimeout(this.#restartTimer);
    this.#attempt += 1;
    this.#restartTimer = setTimeout(() => this.#tryStart(), backoffDelay(this.#attempt));
  }

  #connected() {
    this.#attempt = 0;
    this.#setState('connected');
    clearTimeout(this.#sessionTimer);
    this.#sessionTimer = setTimeout(() => {
      if (this.#sequence.settling && this.#session === null) {
        this.#sequence.sessionMissing();
      }
    }, SESSION_WAIT_MS);
    this.#settle();
  }

  /** Once connected and told the session position: resume, catch up, or go live. */
  #settle() {
    const session = this.#session;
    if (session === null || this.#hub?.state !== 'Connected' || !this.#sequence.settling) {
      return;
    }
    this.#session = null;
    clearTimeout(this.#sessionTimer);
    this.#sequence.session(session);
  }

  #setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.dispatchEvent(new CustomEvent('statechange', { detail: state }));
    }
  }
}

function isUnauthorized(error) {
  return error?.statusCode === 401 || /\b401\b|Unauthorized/.test(String(error?.message ?? ''));
}
