// The messages screen: the conversation list beside the open chat (one at a time on a phone).
import { h, replaceChildren } from '../ui/dom.js';
import { mountChat } from './chatView.js';
import { mountConversationList } from './conversationsView.js';

export function mountMessages(container, ctx, params) {
  const listPane = h('div', { class: 'pane list-pane' });
  const chatPane = h('div', { class: 'pane chat-pane' });
  const layout = h('div', { class: 'messages-layout' }, listPane, chatPane);
  replaceChildren(container, layout);

  const listView = mountConversationList(listPane, ctx);
  let chatView = null;
  let peerId = null;

  function update({ peerId: nextPeerId }) {
    if (nextPeerId === peerId && chatView) {
      return;
    }
    chatView?.unmount();
    chatView = null;
    peerId = nextPeerId ?? null;
    layout.classList.toggle('has-chat', Boolean(peerId));
    listView.setActive(peerId);
    if (peerId) {
      chatView = mountChat(chatPane, ctx, { peerId });
    } else {
      replaceChildren(chatPane, h('div', { class: 'chat-placeholder' },
        h('p', { class: 'muted' }, 'Choose a conversation, or message a friend from ', h('a', { href: '#/friends' }, 'Friends'), '.')));
    }
  }

  update(params);
  return {
    update,
    get chat() {
      return chatView;
    },
    unmount() {
      chatView?.unmount();
      listView.unmount();
    },
  };
}
