// A group chat: messages with their senders' names, system messages in the seq order, "Seen by
// N" under my newest message, typing, the member list with the owner's and admins' actions
// (add a friend, remove, make admin), rename and leave. Live through the app's real-time events.
import { groups as groupsApi } from '../api/client.js';
import { describeError } from '../api/errors.js';
import { friendsStore } from '../friends/friendsStore.js';
import { actionButton } from '../ui/buttons.js';
import { formatTime, h, labelled, nameOf, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';
import { conversations } from '../chat/conversations.js';

const TYPING_SHOW_MS = 4000;

export function mountGroup(container, ctx, { conversationId }) {
  const me = ctx.me;
  let group = null;
  let disposed = false;
  let newestSeq = 0;
  const shown = new Map(); // seq -> message
  const readBy = new Map(); // userId -> lastReadSeq
  const names = new Map(); // userId -> display name (members, and those the history mentions)

  const errors = errorBox();
  const title = h('h2', { class: 'chat-title', id: 'chat-title' }, 'Group');
  const subtitle = h('span', { class: 'muted chat-subtitle', dataset: { testid: 'member-count' } });
  const list = h('ol', { class: 'message-list', id: 'message-list', 'aria-label': 'Messages' });
  const seen = h('p', { class: 'muted seen-by', dataset: { testid: 'seen-by' }, 'aria-live': 'polite' });
  const typing = h('p', { class: 'typing', 'aria-live': 'polite', dataset: { testid: 'typing' } });
  const members = h('ul', { class: 'member-list', id: 'member-list', 'aria-label': 'Members' });
  const addSelect = h('select', { id: 'add-member', 'aria-label': 'Friend to add' });
  const addButton = actionButton('Add', () => addMember(), { onError: errors.show, className: 'button subtle' });
  const adminTools = h('div', { class: 'group-admin' });
  const { field: renameField, input: renameInput } = labelled('New group name', { maxlength: 100 });
  const input = h('textarea', { id: 'group-message', 'aria-label': 'Message', rows: 2, maxlength: 4000, placeholder: 'Write to the group' });
  const sendButton = h('button', { type: 'submit', class: 'button' }, 'Send');
  let typingTimer = null;
  let lastTypingSent = 0;

  input.addEventListener('input', () => {
    if (Date.now() - lastTypingSent > 2500) {
      lastTypingSent = Date.now();
      ctx.realtime.invoke('GroupTyping', conversationId).catch(() => {});
    }
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const form = h('form', {
    class: 'composer',
    onsubmit: async (event) => {
      event.preventDefault();
      const text = input.value;
      if (!text.trim()) {
        return;
      }
      errors.clear();
      sendButton.disabled = true;
      try {
        const message = await groupsApi.send(conversationId, text, crypto.randomUUID());
        input.value = '';
        show(message);
      } catch (error) {
        errors.show(error);
      } finally {
        sendButton.disabled = false;
      }
    },
  }, input, sendButton);

  replaceChildren(container, h('section', { class: 'page chat group-chat', 'aria-labelledby': 'chat-title' },
    h('header', { class: 'chat-head' },
      h('a', { href: '#/messages', class: 'back-link', 'aria-label': 'Back to conversations' }, '←'),
      h('div', { class: 'chat-head-text' }, title, subtitle)),
    errors.element,
    h('div', { class: 'group-layout' },
      h('div', { class: 'message-log', role: 'log', 'aria-labelledby': 'chat-title' }, list, seen, typing, form),
      h('aside', { class: 'group-side', 'aria-label': 'Group members' },
        h('h3', {}, 'Members'), members, adminTools,
        actionButton('Leave group', async () => {
          await groupsApi.leave(conversationId);
          location.hash = '#/messages';
        }, { onError: errors.show, className: 'button subtle', confirm: 'Really leave?' })))));

  function nameFor(userId) {
    return userId === me.userId ? 'You' : names.get(userId) ?? 'Former member';
  }

  function describe(message) {
    const system = message.system;
    const who = (ids) => ids.map(nameFor).join(', ');
    switch (system.type) {
      case 'created': return `${nameFor(system.actorId)} created "${system.name}"`;
      case 'member_added': return `${nameFor(system.actorId)} added ${who(system.userIds)}`;
      case 'member_removed': return `${nameFor(system.actorId)} removed ${who(system.userIds)}`;
      case 'member_left': return `${who(system.userIds)} left`;
      case 'renamed': return `${nameFor(system.actorId)} renamed the group to "${system.name}"`;
      case 'role_changed': return `${nameFor(system.actorId)} made ${who(system.userIds)} ${system.role === 'admin' ? 'an admin' : 'a member'}`;
      case 'owner_changed': return `${who(system.userIds)} now owns the group`;
      default: return message.content;
    }
  }

  function show(message) {
    if (shown.has(message.seq)) {
      return;
    }
    shown.set(message.seq, message);
    newestSeq = Math.max(newestSeq, message.seq);
    render();
  }

  function render() {
    const blocked = new Set(friendsStore.blocked.map((user) => user.userId));
    replaceChildren(list, [...shown.values()].sort((a, b) => a.seq - b.seq).map((message) => {
      if (message.system) {
        return h('li', { class: 'message system', dataset: { seq: String(message.seq) } }, h('p', { class: 'muted' }, describe(message)));
      }
      const mine = message.senderId === me.userId;
      // A member I blocked: collapsed here only (they are not told).
      const collapsed = blocked.has(message.senderId);
      return h('li', { class: `message ${mine ? 'mine' : 'theirs'}`, dataset: { seq: String(message.seq), messageId: message.messageId } },
        mine ? null : h('span', { class: 'sender' }, nameFor(message.senderId)),
        h('div', { class: 'bubble' }, h('p', { class: 'text' }, collapsed ? 'Message from a blocked user' : message.content)),
        h('div', { class: 'meta' }, h('time', { datetime: message.createdAt }, formatTime(message.createdAt))));
    }));
    renderSeen();
  }

  function renderSeen() {
    const mine = [...shown.values()].filter((m) => m.senderId === me.userId && !m.system).sort((a, b) => b.seq - a.seq)[0];
    if (!mine) {
      seen.textContent = '';
      return;
    }
    const count = [...readBy.entries()].filter(([userId, seq]) => userId !== me.userId && seq >= mine.seq).length;
    seen.textContent = count > 0 ? `Seen by ${count}` : '';
  }

  function renderMembers() {
    if (!group) {
      return;
    }
    title.textContent = group.name;
    subtitle.textContent = `${group.members.length} member${group.members.length === 1 ? '' : 's'}`;
    const myRole = group.members.find((m) => m.userId === me.userId)?.role;
    const canManage = myRole === 'owner' || myRole === 'admin';
    replaceChildren(members, group.members.map((member) => h('li', { dataset: { userId: member.userId, username: member.username } },
      h('span', {}, member.userId === me.userId ? 'You' : nameOf(member)), ' ',
      member.role !== 'member' ? h('span', { class: 'plan-tag' }, member.role) : null, ' ',
      canManage && member.userId !== me.userId && member.role !== 'owner' && (myRole === 'owner' || member.role === 'member')
        ? actionButton('Remove', () => groupsApi.removeMember(conversationId, member.userId).then(reload), { onError: errors.show, className: 'link-button', ariaLabel: `Remove ${nameOf(member)}` })
        : null,
      canManage && member.role === 'member'
        ? actionButton('Make admin', () => groupsApi.setRole(conversationId, member.userId, 'admin').then(reload), { onError: errors.show, className: 'link-button' })
        : null)));
    const inGroup = new Set(group.members.map((m) => m.userId));
    const candidates = friendsStore.accepted.filter((friend) => !inGroup.has(friend.userId));
    replaceChildren(addSelect, candidates.map((friend) => h('option', { value: friend.userId }, `${nameOf(friend)} (@${friend.username})`)));
    replaceChildren(adminTools, canManage
      ? [h('div', { class: 'add-member' }, addSelect, addButton),
        h('form', {
          class: 'rename',
          onsubmit: (event) => {
            event.preventDefault();
            groupsApi.rename(conversationId, renameInput.value).then(reload).catch(errors.show);
          },
        }, renameField, h('button', { type: 'submit', class: 'button subtle' }, 'Rename'))]
      : null);
    addButton.disabled = candidates.length === 0;
  }

  async function addMember() {
    if (addSelect.value) {
      await groupsApi.addMember(conversationId, addSelect.value);
      await reload();
    }
  }

  async function reload() {
    const [view, page] = await Promise.all([groupsApi.get(conversationId), groupsApi.history(conversationId)]);
    if (disposed) {
      return;
    }
    group = view;
    for (const member of view.members) {
      names.set(member.userId, nameOf(member));
    }
    readBy.clear();
    for (const cursor of page.readBy) {
      readBy.set(cursor.userId, cursor.lastReadSeq);
    }
    for (const message of page.items) {
      shown.set(message.seq, message);
      newestSeq = Math.max(newestSeq, message.seq);
    }
    renderMembers();
    render();
    markRead();
  }

  function markRead() {
    if (newestSeq > 0 && document.visibilityState === 'visible') {
      groupsApi.markRead(conversationId, newestSeq)
        .then((state) => conversations.applyOwnRead(conversationId, state.unreadCount))
        .catch(() => {});
    }
  }

  const handlers = {
    new_message: ({ detail: message }) => {
      if (message.conversationId !== conversationId) {
        return;
      }
      show(message);
      if (message.system) {
        reload().catch(errors.show);
      } else {
        markRead();
      }
    },
    group_read: ({ detail: read }) => {
      if (read.conversationId === conversationId) {
        for (const reader of read.readers) {
          readBy.set(reader.userId, Math.max(readBy.get(reader.userId) ?? 0, reader.lastReadSeq));
        }
        renderSeen();
      }
    },
    typing: ({ detail: event }) => {
      if (event.conversationId === conversationId && event.userId !== me.userId) {
        typing.textContent = `${nameFor(event.userId)} is typing…`;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => { typing.textContent = ''; }, TYPING_SHOW_MS);
      }
    },
    resync: () => reload().catch(errors.show),
  };
  for (const [name, handler] of Object.entries(handlers)) {
    ctx.realtime.addEventListener(name, handler);
  }
  ctx.setOpenConversation(conversationId);
  friendsStore.addEventListener('change', renderMembers);
  reload().catch((error) => {
    errors.show(error);
    title.textContent = describeError(error);
  });

  return {
    unmount() {
      disposed = true;
      clearTimeout(typingTimer);
      for (const [name, handler] of Object.entries(handlers)) {
        ctx.realtime.removeEventListener(name, handler);
      }
      friendsStore.removeEventListener('change', renderMembers);
      ctx.setOpenConversation(null);
    },
  };
}
