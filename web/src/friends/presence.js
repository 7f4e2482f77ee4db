// Friends' presence (docs/api.md, presence): the dot and "last seen" text shown beside a
// friend, and the activity reporter that tells the server when this tab's user is away.
import { h } from '../ui/dom.js';

/** No input for this long: the user is away (the hub's SetAway). */
export const IDLE_MS = 5 * 60 * 1000;

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'focus'];

/** "Online", "Away", "Last seen …", "Offline", or null when presence is not shared. */
export function presenceText(presence, now = Date.now()) {
  switch (presence?.status) {
    case 'online':
      return 'Online';
    case 'away':
      return 'Away';
    case 'offline':
      return presence.lastSeenAt ? `Last seen ${lastSeen(presence.lastSeenAt, now)}` : 'Offline';
    default:
      return null;
  }
}

/** The dot beside a friend's avatar; nothing when presence is not shared. */
export function presenceDot(presence) {
  const text = presenceText(presence);
  if (!text) {
    return null;
  }
  return h('span', { class: 'presence-dot', dataset: { status: presence.status }, role: 'img', 'aria-label': text, title: text });
}

function lastSeen(iso, now) {
  const at = new Date(iso);
  const minutes = Math.floor((now - at.getTime()) / 60000);
  if (Number.isNaN(minutes)) {
    return '';
  }
  if (minutes < 1) {
    return 'just now';
  }
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const sameDay = at.toDateString() === new Date(now).toDateString();
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return sameDay ? `today at ${time}` : `${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} at ${time}`;
}

/**
 * Reports this tab away after IDLE_MS without input (or while hidden that long), and active
 * again on the next input. A new connection starts active, so the state is sent again on
 * every (re)connect.
 */
export class ActivityReporter {
  #realtime;
  #timer = null;
  #away = false;
  #onActivity = () => this.#active();
  #onState = ({ detail: state }) => {
    if (state === 'connected' && this.#away) {
      this.#send();
    }
  };

  constructor(realtime, idleMs = IDLE_MS) {
    this.#realtime = realtime;
    this.idleMs = idleMs;
  }

  start() {
    for (const name of ACTIVITY_EVENTS) {
      globalThis.addEventListener(name, this.#onActivity, { passive: true, capture: true });
    }
    this.#realtime.addEventListener('statechange', this.#onState);
    this.#away = false;
    this.#arm();
  }

  stop() {
    for (const name of ACTIVITY_EVENTS) {
      globalThis.removeEventListener(name, this.#onActivity, { capture: true });
    }
    this.#realtime.removeEventListener('statechange', this.#onState);
    clearTimeout(this.#timer);
  }

  #active() {
    if (this.#away) {
      this.#away = false;
      this.#send();
    }
    this.#arm();
  }

  #arm() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#away = true;
      this.#send();
    }, this.idleMs);
  }

  #send() {
    this.#realtime.invoke('SetAway', this.#away).catch(() => {}); // sent again on reconnect
  }
}
