// The conversation list: newest first, unread badges, last-message preview, search.
import { initial } from '../friends/friendsView.js';
import { actionButton } from '../ui/buttons.js';
import { formatTime, h, labelled, nameOf, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';
import { notificationsToggle } from '../ui/notifications.js';
import { conversations } from './conversations.js';

export function mountConversationList(container, ctx) {
  const errors = errorBox();
  const { field, input } = labelled('Search conversations', { type: 'search', autocomplete: 'off', maxlength: 100, placeholder: 'Name or username' });
  const list = h('ul', { class: 'conversation-list', 'aria-label': 'Conversations', id: 'conversation-list' });
  const more = actionButton('Load more', () => conversations.loadMore(), { onError: errors.show, className: 'button subtle' });
  const notifications = notificationsToggle();
  let activePeerId = null;
  let debounce = null;

  input.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      errors.clear();
      conversations.load(input.value.trim()).catch(errors.show);
    }, 250);
  });
  input.value = conversations.search;

  function render() {
    const items = conversations.ordered;
    more.hidden = !conversations.nextCursor;
    if (!conversations.loaded) {
      replaceChildren(list, h('li', { class: 'empty' }, 'Loading…'));
      return;
    }
    if (!items.length) {
      replaceChildren(list, h('li', { class: 'empty' }, conversations.search ? 'No conversations match.' : 'No conversations yet. Message a friend to start one.'));
      return;
    }
    replaceChildren(list, items.map((item) => row(item)));
  }

  function row(item) {
    // A group has no peer: its name stands in (docs/api.md, "Groups").
    const peer = item.kind === 'group' ? { userId: null, username: '', displayName: item.group?.name ?? 'Group' } : item.peer ?? {};
    const last = item.lastMessage;
    const mine = last && last.senderId === ctx.me.userId;
    const preview = last ? `${mine ? 'You: ' : ''}${last.isGreeting ? '👋 ' : ''}${last.content}` : 'No messages';
    const unread = item.unreadCount > 0;
    return h('li', {},
      h('a', {
        class: `conversation${unread ? ' unread' : ''}`,
        href: item.kind === 'group' ? `#/group/${encodeURIComponent(item.conversationId)}` : `#/chat/${encodeURIComponent(peer.userId)}`,
        'aria-current': peer.userId && peer.userId === activePeerId ? 'page' : null,
        dataset: { conversationId: item.conversationId, peerUsername: peer.username ?? '' },
      },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial(peer)),
      h('span', { class: 'conversation-text' },
        h('span', { class: 'conversation-top' },
          h('span', { class: 'conversation-name', dir: 'auto' }, nameOf(peer)),
          h('time', { datetime: item.updatedAt, class: 'muted' }, formatTime(item.updatedAt))),
        h('span', { class: 'conversation-bottom' },
          h('span', { class: 'preview', dir: 'auto' }, preview),
          unread ? h('span', { class: 'badge', 'aria-label': `${item.unreadCount} unread` }, String(item.unreadCount)) : null))));
  }

  replaceChildren(container,
    h('div', { class: 'conversations-pane' },
      h('h1', { class: 'pane-title' }, 'Messages'),
      h('a', { href: '#/groups/new', class: 'button subtle new-group-link', id: 'new-group' }, 'New group'),
      notifications.element,
      field, errors.element, list, more));
  conversations.addEventListener('change', render);
  render();
  conversations.load(conversations.search).catch(errors.show);

  return {
    setActive(peerId) {
      activePeerId = peerId;
      render();
    },
    unmount() {
      notifications.unmount();
      conversations.removeEventListener('change', render);
      clearTimeout(debounce);
    },
  };
}
