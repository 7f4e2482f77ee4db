// The SignalR connection to /hubs/messages (official @microsoft/signalr client, loaded as
// lib/signalr/signalr.min.js). It reconnects by itself with exponential backoff, reports its
// state, and after every (re)connect emits "resync" so the features fetch what they missed.
import { backoffDelay } from './backoff.js';

export const EVENTS = ['new_message', 'read_receipt', 'friend_request', 'friend_accepted', 'typing', 'error'];

export class RealtimeConnection extends EventTarget {
  #tokenProvider;
  #hub = null;
  #stopped = true;
  #restartTimer = null;
  #attempt = 0;
  state = 'disconnected';

  /** tokenProvider(): the current access token, or null when signed out. */
  constructor(tokenProvider) {
    super();
    this.#tokenProvider = tokenProvider;
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

    const hub = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/messages', { accessTokenFactory: () => this.#tokenProvider() ?? '' })
      .withAutomaticReconnect({
        // A refused token will not get better by retrying: stop, and let onclose report it.
        nextRetryDelayInMilliseconds: (context) => (isUnauthorized(context.retryReason) ? null : backoffDelay(context.previousRetryCount + 1)),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    for (const name of EVENTS) {
      hub.on(name, (payload) => this.dispatchEvent(new CustomEvent(name, { detail: payload })));
    }
    hub.onreconnecting(() => this.#setState('reconnecting'));
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
    this.dispatchEvent(new CustomEvent('resync'));
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
