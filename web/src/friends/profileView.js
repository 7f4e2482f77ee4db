// A user's profile: relationship and the actions it allows, including a PRO member's one-time
// Greeting to someone who is not a friend yet.
import { friends as friendsApi, messages as messagesApi, users as usersApi } from '../api/client.js';
import { composer } from '../chat/composer.js';
import { actionButton } from '../ui/buttons.js';
import { h, nameOf, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';
import { toast } from '../ui/toast.js';
import { initial, relationshipLabel } from './friendsView.js';

export function mountProfile(container, ctx, { userId }) {
  const errors = errorBox();
  const body = h('div', { class: 'profile-body' }, h('p', { class: 'muted' }, 'Loading…'));
  let disposed = false;
  let rendered = null;

  replaceChildren(container, h('div', { class: 'page profile-page' },
    h('p', {}, h('a', { href: '#/friends', class: 'back-link' }, '← Friends')),
    h('section', { class: 'card' }, errors.element, body)));

  const changed = async () => {
    ctx.broadcast({ type: 'friends_changed' });
    await load();
  };
  const act = (fn) => async () => {
    errors.clear();
    await fn();
    await changed();
  };
  const onError = (error) => errors.show(error);

  async function load() {
    let user;
    try {
      // The plan can change at any time (PRO decides whether a greeting is offered).
      [user] = await Promise.all([usersApi.get(userId), ctx.refreshMe()]);
    } catch (error) {
      if (!disposed) {
        replaceChildren(body, h('h1', {}, 'Profile'));
        errors.show(error);
      }
      return;
    }
    // Reloaded on every relationship event: redraw only on a change, so a half-typed greeting
    // or a half-confirmed action stays.
    const shown = JSON.stringify([user, ctx.me.plan]);
    if (disposed || shown === rendered) {
      return;
    }
    rendered = shown;
    const isMe = user.userId === ctx.me.userId;
    const actions = isMe ? [] : {
      none: [actionButton('Send friend request', act(() => friendsApi.request(user.userId)), { onError, className: 'button primary' })],
      pending_outgoing: [actionButton('Cancel request', act(() => friendsApi.cancel(user.userId)), { onError })],
      pending_incoming: [
        actionButton('Accept', act(() => friendsApi.accept(user.userId)), { onError, className: 'button primary' }),
        actionButton('Reject', act(() => friendsApi.reject(user.userId)), { onError }),
      ],
      friends: [
        h('a', { class: 'button primary', href: `#/chat/${encodeURIComponent(user.userId)}` }, 'Message'),
        actionButton('Unfriend', act(() => friendsApi.unfriend(user.userId)), { onError, confirm: 'Confirm unfriend' }),
      ],
      blocked: [actionButton('Unblock', act(() => friendsApi.unblock(user.userId)), { onError })],
    }[user.relationship] ?? [];
    if (!isMe && user.relationship !== 'blocked') {
      actions.push(actionButton('Block', act(() => friendsApi.block(user.userId)), { onError, confirm: 'Confirm block', className: 'button danger' }));
    }

    replaceChildren(body,
      h('div', { class: 'profile-head' },
        h('span', { class: 'avatar large', 'aria-hidden': 'true' }, initial(user)),
        h('div', {},
          h('h1', {}, nameOf(user)),
          h('p', { class: 'muted' }, `@${user.username}`, isMe ? ' · This is you' : '',
            relationshipLabel(user.relationship) ? ` · ${relationshipLabel(user.relationship)}` : ''))),
      h('div', { class: 'actions' }, actions),
      isMe || !['none', 'pending_outgoing'].includes(user.relationship) ? null : greeting(user));
  }

  function greeting(user) {
    if (ctx.me.plan !== 'pro') {
      return h('p', { class: 'muted greeting-hint' }, 'PRO members can send one greeting to someone who is not a friend yet.');
    }
    const greetingErrors = errorBox();
    const status = h('p', { class: 'muted', role: 'status' });
    const box = composer({
      label: `Greeting to ${nameOf(user)}`,
      buttonLabel: 'Send greeting',
      placeholder: 'Say hello — one greeting per person',
      onSubmit: async (text) => {
        greetingErrors.clear();
        box.setBlocked(true);
        try {
          await messagesApi.greeting(user.userId, text);
          box.value = '';
          status.textContent = 'Greeting sent. They can reply once they accept your friend request.';
          toast(`Greeting sent to ${nameOf(user)}.`);
          ctx.broadcast({ type: 'friends_changed' });
        } catch (error) {
          greetingErrors.show(error, { onReady: () => box.setBlocked(false) });
          if (error.code === 'rate_limited') {
            return;
          }
        }
        box.setBlocked(false);
      },
    });
    return h('section', { class: 'greeting', 'aria-labelledby': 'greeting-heading' },
      h('h2', { id: 'greeting-heading' }, 'Greeting ', h('span', { class: 'plan-tag' }, 'PRO')),
      h('p', { class: 'muted' }, 'Send one message before you are friends; it comes with a friend request.'),
      greetingErrors.element, box.form, status);
  }

  load();
  return {
    unmount() {
      disposed = true;
    },
    refresh: load,
  };
}
