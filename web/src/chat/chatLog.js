// The chat's scrolling history: sticks to the bottom for new messages unless the reader
// scrolled up (then "New messages ↓"), keeps the reader's place when older messages come in
// above, and tells which message is the newest one scrolled into view.
import { h } from '../ui/dom.js';

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;

export class ChatLog {
  /** `onTop` runs when scrolled near the top (load older), `onScroll` after every scroll. */
  constructor(children, { onTop, onScroll }) {
    this.element = h('div', { class: 'message-log', role: 'log', 'aria-labelledby': 'chat-title', tabindex: '0' }, children);
    this.jumpButton = h('button', { type: 'button', class: 'button jump-button', hidden: true }, 'New messages ↓');
    this.jumpButton.addEventListener('click', () => this.scrollToBottom());
    this.element.addEventListener('scroll', () => {
      if (this.element.scrollTop < NEAR_TOP_PX) {
        onTop();
      }
      if (this.nearBottom()) {
        this.jumpButton.hidden = true;
      }
      onScroll();
    });
  }

  nearBottom() {
    const log = this.element;
    return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.element.scrollTop = this.element.scrollHeight;
    this.jumpButton.hidden = true;
  }

  /** Something new arrived below while the reader is scrolled up. */
  showJump() {
    this.jumpButton.hidden = false;
  }

  /** Whether the history fills the window (so the reader can scroll up for more). */
  get filled() {
    return this.element.scrollHeight > this.element.clientHeight;
  }

  /** Runs `change` (which adds content above) and keeps what the reader was looking at in place. */
  keepPlace(change) {
    const log = this.element;
    const previousHeight = log.scrollHeight;
    const previousTop = log.scrollTop;
    change();
    log.scrollTop = previousTop + (log.scrollHeight - previousHeight);
  }

  /** The index of the last of `elements` (in order) whose top is inside the visible part, or -1. */
  lastInView(elements) {
    const visibleBottom = this.element.getBoundingClientRect().bottom;
    for (let index = elements.length - 1; index >= 0; index -= 1) {
      if (elements[index].getBoundingClientRect().top < visibleBottom) {
        return index;
      }
    }
    return -1;
  }
}
