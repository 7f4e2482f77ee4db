// One stored message of a direct chat as a list item: bubble (text with safe links), time with
// the full date on hover, and "Delete for me" (asks for a second click); day separators.
import { actionButton } from '../ui/buttons.js';
import { formatFullTime, formatTime, h } from '../ui/dom.js';
import { linkify } from '../ui/linkify.js';

export function messageItem(message, { mine, onHide, onError }) {
  return h('li', {
    class: `message ${mine ? 'mine' : 'theirs'}${message.isGreeting ? ' greeting' : ''}`,
    dataset: { seq: message.seq, messageId: message.messageId },
  },
  h('div', { class: 'bubble' },
    message.isGreeting ? h('span', { class: 'greeting-tag' }, 'Greeting') : null,
    h('p', { class: 'text', dir: 'auto' }, linkify(message.content))),
  h('div', { class: 'meta' },
    h('time', { datetime: message.createdAt, title: formatFullTime(message.createdAt) }, formatTime(message.createdAt)),
    actionButton('Delete for me', () => onHide(message), {
      className: 'link-button delete-button',
      confirm: 'Confirm delete',
      onError,
    })));
}

/** A day separator ("Today", "Yesterday", a date) before the first message of a day. */
export function dayItem(key, label) {
  return h('li', { class: 'day-separator', dataset: { day: key } }, label);
}

/** Puts "Seen" under `element` (my newest message the peer has read), taking it from where it was. */
export function placeSeen(list, element) {
  for (const marker of list.querySelectorAll('.seen')) {
    marker.remove();
  }
  element?.querySelector('.meta time').after(h('span', { class: 'seen', dataset: { testid: 'seen' } }, 'Seen'));
}
