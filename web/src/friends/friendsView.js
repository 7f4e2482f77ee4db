// FriendsUI: search (username or address) with Send request, incoming and outgoing requests
// with Accept / Reject / Cancel / Accept all, the friend list, and the blocked list.
import { friends as friendsApi, users as usersApi } from '../api/client.js';
import { actionButton } from '../ui/buttons.js';
import { h, labelled, nameOf, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';
import { toast } from '../ui/toast.js';
import { friendsStore } from './friendsStore.js';
import { presenceDot, presenceText } from './presence.js';

export function mountFriends(container, ctx) {
  const searchError = errorBox();
  const requestsError = errorBox();
  const friendsError = errorBox();
  const blockedError = errorBox();

  // Every change goes through here: reload the lists, redo the search, tell other tabs.
  const changed = async () => {
    ctx.broadcast({ type: 'friends_changed' });
    await Promise.all([friendsStore.load(), lastQuery ? runSearch(lastQuery, { quiet: true }) : null]);
  };
  // After a refusal too: the lists were stale (e.g. a request withdrawn meanwhile).
  const act = (box, fn) => async () => {
    box.clear();
    try {
      await fn();
    } finally {
      await changed().catch(() => {});
    }
  };

  // --- search ---------------------------------------------------------------------------
  const { field: queryField, input: queryInput } = labelled('Username or address', {
    type: 'search', name: 'q', autocomplete: 'off', maxlength: 100, placeholder: 'e.g. alice, Alice Liddell or 0x12…', required: true,
  });
  const results = h('ul', { class: 'list', 'aria-label': 'Search results' });
  const resultsStatus = h('p', { class: 'muted', role: 'status' });
  let lastQuery = '';
  let searchCursor = null;
  let found = [];
  const moreResults = actionButton('More results', async () => {
    const page = await usersApi.search(lastQuery, undefined, searchCursor);
    const known = new Set(found.map((user) => user.userId));
    found = [...found, ...page.items.filter((user) => !known.has(user.userId))];
    showFound(page.nextCursor);
  }, { onError: (error) => searchError.show(error), className: 'button subtle' });
  moreResults.hidden = true;

  function showFound(nextCursor) {
    searchCursor = nextCursor ?? null;
    replaceChildren(results, found.map((user) => searchRow(user)));
    resultsStatus.textContent = found.length ? `${found.length}${searchCursor ? '+' : ''} found` : 'Nobody found.';
    moreResults.hidden = !searchCursor;
  }

  async function runSearch(q, { quiet = false } = {}) {
    if (!quiet) {
      searchError.clear();
      resultsStatus.textContent = 'Searching…';
    }
    try {
      const page = await usersApi.search(q);
      lastQuery = q;
      found = page.items;
      showFound(page.nextCursor);
    } catch (error) {
      resultsStatus.textContent = '';
      searchError.show(error);
    }
  }

  function searchRow(user) {
    const onError = (error) => searchError.show(error);
    const actions = {
      none: [actionButton('Send request', act(searchError, async () => {
        const result = await friendsApi.request(user.userId);
        toast(result?.status === 'accepted' ? `You and ${nameOf(user)} are now friends.` : `Friend request sent to ${nameOf(user)}.`);
      }), { onError, className: 'button primary' })],
      pending_outgoing: [actionButton('Cancel request', act(searchError, () => friendsApi.cancel(user.userId)), { onError })],
      pending_incoming: [
        actionButton('Accept', act(searchError, () => friendsApi.accept(user.userId)), { onError, className: 'button primary' }),
        actionButton('Reject', act(searchError, () => friendsApi.reject(user.userId)), { onError }),
      ],
      friends: [h('a', { class: 'button', href: `#/chat/${encodeURIComponent(user.userId)}` }, 'Message')],
      blocked: [actionButton('Unblock', act(searchError, () => friendsApi.unblock(user.userId)), { onError })],
    }[user.relationship] ?? [];
    return personRow(user, relationshipLabel(user.relationship), actions);
  }

  const searchForm = h('form', { class: 'inline-form', role: 'search', 'aria-label': 'Find people' },
    queryField,
    h('button', { type: 'submit', class: 'button primary' }, 'Search'));
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = queryInput.value.trim();
    if (q) {
      runSearch(q);
    }
  });

  // --- lists ----------------------------------------------------------------------------
  const incomingList = h('ul', { class: 'list', 'aria-label': 'Incoming requests' });
  const outgoingList = h('ul', { class: 'list', 'aria-label': 'Sent requests' });
  const friendList = h('ul', { class: 'list', 'aria-label': 'Friends', id: 'friend-list' });
  const blockedList = h('ul', { class: 'list', 'aria-label': 'Blocked users' });
  const incomingHeading = h('h3', {}, 'Incoming');
  const friendsHeading = h('h2', { id: 'friends-heading' }, 'Friends');
  const acceptAll = actionButton('Accept all', async () => {
    requestsError.clear();
    const ids = friendsStore.incoming.map((item) => item.userId);
    for (let start = 0; start < ids.length; start += 100) {
      const result = await friendsApi.batchAccept(ids.slice(start, start + 100));
      if (result.failed.length) {
        requestsError.show({ code: result.failed[0].code });
      }
    }
    await changed();
  }, { onError: (error) => requestsError.show(error), className: 'button primary' });
  const moreButtons = Object.fromEntries(['accepted', 'pending', 'blocked'].map((status) => [status,
    actionButton('Load more', () => friendsStore.loadMore(status), { onError: (error) => friendsError.show(error), className: 'button subtle' })]));

  // Lists reload often (every relationship event, every reconnect): redraw only when they
  // changed, so a button half-way through its confirm click is not replaced under the pointer.
  let rendered = null;
  function render() {
    const shown = JSON.stringify([friendsStore.incoming, friendsStore.outgoing, friendsStore.accepted, friendsStore.blocked, friendsStore.cursors]);
    if (shown === rendered) {
      return;
    }
    rendered = shown;
    const incoming = friendsStore.incoming;
    incomingHeading.textContent = `Incoming (${incoming.length})`;
    acceptAll.hidden = incoming.length < 2;
    replaceChildren(incomingList, incoming.length ? incoming.map((item) => personRow(item, 'Wants to be your friend', [
      actionButton('Accept', act(requestsError, () => friendsApi.accept(item.userId)), { onError: (e) => requestsError.show(e), className: 'button primary', ariaLabel: `Accept ${nameOf(item)}` }),
      actionButton('Reject', act(requestsError, () => friendsApi.reject(item.userId)), { onError: (e) => requestsError.show(e), ariaLabel: `Reject ${nameOf(item)}` }),
    ])) : h('li', { class: 'empty' }, 'No incoming requests.'));

    const outgoing = friendsStore.outgoing;
    replaceChildren(outgoingList, outgoing.length ? outgoing.map((item) => personRow(item, 'Request sent', [
      actionButton('Cancel', act(requestsError, () => friendsApi.cancel(item.userId)), { onError: (e) => requestsError.show(e), ariaLabel: `Cancel request to ${nameOf(item)}` }),
    ])) : h('li', { class: 'empty' }, 'No sent requests.'));

    const accepted = friendsStore.accepted;
    friendsHeading.textContent = `Friends (${accepted.length}${friendsStore.cursors.accepted ? '+' : ''})`;
    replaceChildren(friendList, accepted.length ? accepted.map((item) => personRow(item, presenceText(item.presence), [
      h('a', { class: 'button primary', href: `#/chat/${encodeURIComponent(item.userId)}`, 'aria-label': `Message ${nameOf(item)}` }, 'Message'),
      actionButton('Unfriend', act(friendsError, () => friendsApi.unfriend(item.userId)), { onError: (e) => friendsError.show(e), confirm: 'Confirm unfriend', ariaLabel: `Unfriend ${nameOf(item)}` }),
      actionButton('Block', act(friendsError, () => friendsApi.block(item.userId)), { onError: (e) => friendsError.show(e), confirm: 'Confirm block', className: 'button danger', ariaLabel: `Block ${nameOf(item)}` }),
    ])) : h('li', { class: 'empty' }, 'No friends yet. Find people above.'));

    const blocked = friendsStore.blocked;
    replaceChildren(blockedList, blocked.length ? blocked.map((item) => personRow(item, 'Blocked', [
      actionButton('Unblock', act(blockedError, () => friendsApi.unblock(item.userId)), { onError: (e) => blockedError.show(e), ariaLabel: `Unblock ${nameOf(item)}` }),
    ])) : h('li', { class: 'empty' }, 'You have not blocked anyone.'));

    moreButtons.accepted.hidden = !friendsStore.cursors.accepted;
    moreButtons.pending.hidden = !friendsStore.cursors.pending;
    moreButtons.blocked.hidden = !friendsStore.cursors.blocked;
  }

  replaceChildren(container, h('div', { class: 'page friends-page' },
    h('h1', { class: 'visually-hidden' }, 'Friends'),
    h('section', { class: 'card', 'aria-labelledby': 'search-heading' },
      h('h2', { id: 'search-heading' }, 'Find people'),
      searchForm, searchError.element, resultsStatus, results, moreResults),
    h('section', { class: 'card', 'aria-labelledby': 'requests-heading' },
      h('div', { class: 'card-head' }, h('h2', { id: 'requests-heading' }, 'Requests'), acceptAll),
      requestsError.element,
      incomingHeading, incomingList,
      h('h3', {}, 'Sent'), outgoingList, moreButtons.pending),
    h('section', { class: 'card', 'aria-labelledby': 'friends-heading' },
      friendsHeading, friendsError.element, friendList, moreButtons.accepted),
    h('section', { class: 'card', 'aria-labelledby': 'blocked-heading' },
      h('h2', { id: 'blocked-heading' }, 'Blocked'), blockedError.element, blockedList, moreButtons.blocked)));

  friendsStore.addEventListener('change', render);
  render();
  friendsStore.load().catch((error) => friendsError.show(error));

  return {
    unmount() {
      friendsStore.removeEventListener('change', render);
    },
    refreshSearch() {
      if (lastQuery) {
        runSearch(lastQuery, { quiet: true });
      }
    },
  };
}

export function relationshipLabel(relationship) {
  return {
    none: null,
    friends: 'Friend',
    pending_outgoing: 'Request sent',
    pending_incoming: 'Wants to be your friend',
    blocked: 'Blocked',
  }[relationship] ?? null;
}

function personRow(user, note, actions) {
  return h('li', { class: 'person', dataset: { userId: user.userId, username: user.username } },
    h('span', { class: 'avatar-wrap' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial(user)),
      presenceDot(user.presence)),
    h('span', { class: 'person-text' },
      h('a', { class: 'person-name', href: `#/users/${encodeURIComponent(user.userId)}`, dir: 'auto' }, nameOf(user)),
      h('span', { class: 'muted' }, `@${user.username}`, note ? ` · ${note}` : '')),
    h('span', { class: 'actions' }, actions));
}

export function initial(user) {
  return [...(nameOf(user).trim() || '?')][0].toUpperCase();
}
