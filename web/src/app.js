// The app shell: session, navbar (badges, connection state), hash routes, and the real-time
// events that keep every view (and every tab) in step.
import { messages as messagesApi, users as usersApi } from './api/client.js';
import { describeError } from './api/errors.js';
import { mountAuth } from './auth/authView.js';
import { session } from './auth/session.js';
import { conversations } from './chat/conversations.js';
import { notifyNewMessage } from './chat/messageNotifications.js';
import { mountMessages } from './chat/messagesView.js';
import { Outbox } from './chat/outbox.js';
import { friendsStore } from './friends/friendsStore.js';
import { mountFriends } from './friends/friendsView.js';
import { mountProfile } from './friends/profileView.js';
import { mountGroup } from './groups/groupView.js';
import { mountNewGroup } from './groups/newGroupView.js';
import { ActivityReporter } from './friends/presence.js';
import { RealtimeConnection } from './realtime/connection.js';
import { mountSettings } from './settings/settingsView.js';
import { h, nameOf, replaceChildren } from './ui/dom.js';
import { toast } from './ui/toast.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const unreadBadge = document.getElementById('unread-badge');
const requestsBadge = document.getElementById('requests-badge');
const connectionState = document.getElementById('connection-state');
const whoami = document.getElementById('whoami');

const realtime = new RealtimeConnection(() => session.token);
const activity = new ActivityReporter(realtime);
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('social') : null;

const STATE_TEXT = { connected: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', disconnected: 'Offline' };

let current = null; // { name, view }
let openConversationId = null;
let running = false;

const ctx = {
  me: null,
  realtime,
  outbox: null, // the signed-in user's Outbox (chat/outbox.js)
  broadcast(message) {
    channel?.postMessage({ ...message, userId: ctx.me?.userId });
  },
  setOpenConversation(conversationId) {
    openConversationId = conversationId;
  },
  async refreshMe() {
    ctx.me = await usersApi.me();
    renderWhoami();
    return ctx.me;
  },
};

// --- routes ---------------------------------------------------------------------------------
function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const arg = parts[1] ? decodeURIComponent(parts[1]) : null;
  switch (parts[0]) {
    case 'friends':
      return { name: 'friends', params: {} };
    case 'users':
      return arg ? { name: 'profile', params: { userId: arg } } : { name: 'friends', params: {} };
    case 'chat':
      return { name: 'messages', params: { peerId: arg } };
    case 'messages':
      return { name: 'messages', params: { peerId: null } };
    case 'group':
      return arg ? { name: 'group', params: { conversationId: arg } } : null;
    case 'groups':
      return { name: 'newGroup', params: {} };
    case 'settings':
      return { name: 'settings', params: {} };
    default:
      return null;
  }
}

function route() {
  if (!running) {
    return;
  }
  const next = parseRoute();
  if (!next) {
    location.replace('#/messages');
    return;
  }
  if (current?.name === next.name && current.view.update) {
    current.view.update(next.params);
  } else {
    current?.view.unmount();
    const mount = { friends: mountFriends, messages: mountMessages, profile: mountProfile, group: mountGroup, newGroup: mountNewGroup, settings: mountSettings }[next.name];
    current = { name: next.name, view: mount(main, ctx, next.params) };
  }
  for (const link of document.querySelectorAll('.mainnav a')) {
    if (link.id === `nav-${{ profile: 'friends', group: 'messages', newGroup: 'messages' }[next.name] ?? next.name}`) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

// --- navbar ---------------------------------------------------------------------------------
function renderBadges() {
  const unread = conversations.totalUnread;
  unreadBadge.hidden = unread <= 0;
  unreadBadge.textContent = unread > 99 ? '99+' : String(unread);
  unreadBadge.setAttribute('aria-label', `${unread} unread`);
  const requests = friendsStore.incoming.length;
  requestsBadge.hidden = requests <= 0;
  requestsBadge.textContent = String(requests);
  requestsBadge.setAttribute('aria-label', `${requests} friend request${requests === 1 ? '' : 's'}`);
  document.title = unread > 0 ? `(${unread}) Social` : 'Social';
}

function renderWhoami() {
  replaceChildren(whoami, ctx.me ? [`@${ctx.me.username}`, ctx.me.plan === 'pro' ? h('span', { class: 'plan-tag' }, 'PRO') : null] : null);
}

realtime.addEventListener('statechange', ({ detail: state }) => {
  if (state === 'connected') {
    ctx.outbox?.wake(); // the server is reachable again: send what waits now
    // A reconnect may reach a server that no longer knows this account: end the session then.
    ctx.refreshMe?.().catch((error) => {
      if (error.code === 'user_not_found') {
        session.signOut('unknown_user');
      }
    });
  }
  connectionState.dataset.state = state;
  connectionState.textContent = STATE_TEXT[state] ?? state;
  connectionState.title = connectionState.textContent; // phones show only the dot
});
conversations.addEventListener('change', renderBadges);
friendsStore.addEventListener('change', renderBadges);

// --- real-time events -----------------------------------------------------------------------
const visible = () => document.visibilityState === 'visible';

realtime.addEventListener('new_message', ({ detail: message }) => {
  // Read at once only when the open chat shows its newest messages (not scrolled up in history).
  const readNow = message.conversationId === openConversationId && visible() && (ctx.readingLatest?.() ?? true);
  const unknown = conversations.applyMessage(message, ctx.me.userId, { readNow });
  const loaded = unknown ? conversations.load().catch(() => {}) : Promise.resolve();
  if (message.senderId !== ctx.me.userId && message.conversationId !== openConversationId) {
    loaded.then(() => {
      const peer = conversations.find(message.conversationId)?.peer;
      toast(peer ? `New message from ${nameOf(peer)}` : 'New message');
    });
  }
  if (message.senderId !== ctx.me.userId) {
    loaded.then(() => notifyNewMessage(message)); // only if opted in and the tab is hidden
  }
});
realtime.addEventListener('read_receipt', ({ detail: receipt }) => {
  if (receipt.readerId === ctx.me.userId) {
    // Another tab (or device) of mine read it.
    conversations.applyOwnReceipt(receipt.conversationId, receipt.lastReadSeq);
    conversations.refreshUnread().catch(() => {});
  } else {
    conversations.applyPeerReceipt(receipt.conversationId, receipt.lastReadSeq);
  }
});
realtime.addEventListener('friend_request', ({ detail: request }) => {
  toast(`${nameOf(request)} sent you a friend request.`);
  refreshFriends();
});
realtime.addEventListener('friend_accepted', ({ detail: accepted }) => {
  toast(`You and ${nameOf(accepted)} are now friends.`);
  refreshFriends();
});
// Relationship changes made by the other user (or by me in another tab or device): every view
// reloads what it shows (friend lists, search, profile, the chat's banner and send box).
for (const name of ['friend_request_cancelled', 'friend_request_rejected', 'friend_removed', 'user_blocked', 'user_unblocked']) {
  realtime.addEventListener(name, refreshFriends);
}
realtime.addEventListener('presence_changed', ({ detail: change }) => {
  friendsStore.applyPresence(change.userId, { status: change.status, lastSeenAt: change.lastSeenAt });
});
realtime.addEventListener('error', ({ detail: error }) => {
  toast(describeError(error), { kind: 'error' });
});
realtime.addEventListener('unauthorized', () => session.signOut('expired'));
realtime.addEventListener('resync', () => {
  // (Re)connected: whatever happened while we were away comes from REST.
  conversations.load().catch(() => {});
  refreshFriends();
});

function refreshFriends() {
  friendsStore.load().catch(() => {});
  current?.view.refresh?.();
  current?.view.refreshSearch?.();
  current?.view.chat?.refreshRelationship();
}

channel?.addEventListener('message', ({ data }) => {
  if (!running || data?.userId !== ctx.me?.userId) {
    return;
  }
  if (data.type === 'friends_changed') {
    refreshFriends();
  } else if (data.type === 'hidden') {
    current?.view.chat?.hidden(data.messageId);
  }
});

// --- session --------------------------------------------------------------------------------
async function start() {
  if (running || !session.current) {
    return;
  }
  try {
    await ctx.refreshMe();
  } catch (error) {
    if (!session.token) {
      return; // a refused token signed out already
    }
    if (error.status === 0 || error.status >= 500) {
      // The server is down or restarting: keep the session and try again.
      replaceChildren(main, h('p', { class: 'page muted', role: 'status' }, `${describeError(error)} Retrying…`));
      setTimeout(start, 3000);
      return;
    }
    if (error.code === 'user_not_found') {
      session.signOut('unknown_user'); // the account no longer exists (an embedded server restarted)
      return;
    }
    showAuth(describeError(error));
    return;
  }
  running = true;
  topbar.hidden = false;
  renderBadges();
  startOutbox();
  realtime.start();
  activity.start();
  friendsStore.load().catch(() => {});
  conversations.load().catch(() => {});
  if (!parseRoute()) {
    location.replace('#/messages');
  }
  route();
}

function startOutbox() {
  ctx.outbox = new Outbox({
    send: ({ recipientId, content, clientMessageId }) => messagesApi.send(recipientId, content, clientMessageId),
    storage: globalThis.sessionStorage ?? null, // this tab's queue; a reload keeps it
    key: `social.outbox.${ctx.me.userId}`,
  });
  ctx.outbox.addEventListener('sent', ({ detail: { message } }) => {
    conversations.applyMessage(message, ctx.me.userId, { readNow: true });
  });
  ctx.outbox.addEventListener('failed', ({ detail: { item, error } }) => {
    if (parseRoute()?.params.peerId !== item.recipientId) {
      // The open chat shows its own failures; elsewhere, say where to look.
      const peer = conversations.findByPeer(item.recipientId)?.peer;
      toast(`A message${peer ? ` to ${nameOf(peer)}` : ''} was not sent: ${describeError(error)} Open the chat to retry or discard it.`, { kind: 'error' });
    }
  });
  ctx.outbox.start();
}

function stop() {
  running = false;
  ctx.outbox?.stop();
  current?.view.unmount();
  current = null;
  ctx.outbox = null;
  openConversationId = null;
  activity.stop();
  realtime.stop();
  conversations.clear();
  friendsStore.clear();
  ctx.me = null;
  renderWhoami();
  topbar.hidden = true;
}

function showAuth(notice = '') {
  stop();
  mountAuth(main, { notice });
}

session.onChange((value, reason) => {
  if (value) {
    stop();
    start();
  } else {
    showAuth({
      expired: 'Your session has ended. Please sign in again.',
      unknown_user: 'This account no longer exists on the server. Please sign in or create an account.',
    }[reason] ?? '');
  }
});

document.getElementById('sign-out').addEventListener('click', () => session.signOut());
window.addEventListener('hashchange', route);
window.addEventListener('online', () => ctx.outbox?.wake());

if (session.current) {
  start();
} else {
  showAuth();
}
