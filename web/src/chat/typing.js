// "typing…" both ways: the line under the chat's name, shown for a few seconds after the
// peer's typing event, and the throttle that sends my own at most every few seconds.
import { h } from '../ui/dom.js';

export const TYPING_SEND_INTERVAL_MS = 2500;
export const TYPING_SHOW_MS = 4000;

/** The "… is typing…" line. */
export function typingLine() {
  const element = h('p', { class: 'typing', 'aria-live': 'polite', dataset: { testid: 'typing' } });
  let timer = null;
  return {
    element,
    show(name) {
      element.textContent = `${name} is typing…`;
      clearTimeout(timer);
      timer = setTimeout(() => {
        element.textContent = '';
      }, TYPING_SHOW_MS);
    },
    /** The peer's message arrived: they stopped typing. */
    clear() {
      element.textContent = '';
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}

/** Calls `send` on the first keystroke and then at most once per `interval` ms (`now` is the clock). */
export function typingThrottle(send, { interval = TYPING_SEND_INTERVAL_MS, now = Date.now } = {}) {
  let last = -Infinity;
  return () => {
    const time = now();
    if (time - last > interval) {
      last = time;
      send();
    }
  };
}
