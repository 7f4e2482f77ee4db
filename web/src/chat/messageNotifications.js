// A desktop notification for a message from someone else (ui/notifications.js decides whether
// one may show: opted in, tab hidden). Clicking it opens that chat.
import { friendsStore } from '../friends/friendsStore.js';
import { nameOf } from '../ui/dom.js';
import { desktopNotifications } from '../ui/notifications.js';
import { conversations } from './conversations.js';

const PREVIEW_LENGTH = 120;

export function notifyNewMessage(message) {
  if (friendsStore.blocked.some((user) => user.userId === message.senderId)) {
    return; // a blocked member's group message stays collapsed, here too
  }
  const item = conversations.find(message.conversationId);
  const group = item?.kind === 'group';
  const title = group ? item.group?.name ?? 'Group' : item?.peer ? nameOf(item.peer) : 'New message';
  const chars = [...message.content];
  desktopNotifications.show(title, {
    body: chars.length > PREVIEW_LENGTH ? `${chars.slice(0, PREVIEW_LENGTH).join('')}…` : message.content,
    tag: message.conversationId, // a newer message of the same chat replaces the older one
    onClick: () => {
      location.hash = group
        ? `#/group/${encodeURIComponent(message.conversationId)}`
        : `#/chat/${encodeURIComponent(message.senderId)}`;
    },
  });
}
