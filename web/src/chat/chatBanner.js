// Why a direct chat is closed and the way out: Send request, Accept/Reject, Unblock; or that the
// user is not available. Redraws only when the relationship or the name changed, so a
// half-confirmed button is not replaced by a reload of the same state.
import { friends as friendsApi } from '../api/client.js';
import { actionButton } from '../ui/buttons.js';
import { h, replaceChildren } from '../ui/dom.js';

export class ChatBanner {
  #peerId;
  #onChanged;
  #onError;
  #shown = null;

  /** `onChanged` runs after an action here changed the relationship; `onError` shows a refusal. */
  constructor(peerId, { onChanged, onError }) {
    this.#peerId = peerId;
    this.#onChanged = onChanged;
    this.#onError = onError;
    this.element = h('div', { class: 'chat-banner', hidden: true });
  }

  /**
   * Shows the banner for `relationship` when it or the name changed; returns whether the chat
   * is closed (no sending), or undefined when nothing changed.
   */
  render(relationship, name) {
    if (this.#shown === `${relationship}|${name}`) {
      return undefined;
    }
    this.#shown = `${relationship}|${name}`;
    const content = this.#content(relationship, name);
    this.element.hidden = !content;
    replaceChildren(this.element, content ? h('p', {}, content[0]) : null, content ? h('div', { class: 'actions' }, content.slice(1)) : null);
    return Boolean(content);
  }

  /** One clear message for a chat with oneself, instead of a friend banner and a refusal. */
  showSelf() {
    this.#shown = 'self';
    this.element.hidden = false;
    replaceChildren(this.element, h('p', { role: 'alert' }, 'This is you. Open a chat with a friend to send a message.'));
  }

  #content(relationship, name) {
    const onError = this.#onError;
    const act = (call) => async () => {
      await call(this.#peerId);
      await this.#onChanged();
    };
    return {
      none: [`You and ${name} are not friends, so you can't message each other.`,
        actionButton('Send friend request', act(friendsApi.request), { onError, className: 'button primary' })],
      pending_outgoing: [`Friend request sent. You can message ${name} once they accept.`],
      pending_incoming: [`${name} wants to be your friend. Accept to reply.`,
        actionButton('Accept', act(friendsApi.accept), { onError, className: 'button primary' }),
        actionButton('Reject', act(friendsApi.reject), { onError })],
      blocked: [`You blocked ${name}. Unblock them to send messages.`,
        actionButton('Unblock', act(friendsApi.unblock), { onError })],
      unavailable: ['This user is not available. You can\'t send them messages.'],
    }[relationship];
  }
}
