// "New group": a name and friends to start with (docs/api.md, "Groups").
import { groups as groupsApi } from '../api/client.js';
import { friendsStore } from '../friends/friendsStore.js';
import { h, labelled, nameOf, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';

export function mountNewGroup(container) {
  const errors = errorBox();
  const { field, input: name } = labelled('Group name', { maxlength: 100, required: true, autocomplete: 'off' });
  const choices = h('fieldset', { class: 'group-members-choice' }, h('legend', {}, 'Friends to add'));
  const create = h('button', { type: 'submit', class: 'button', id: 'create-group' }, 'Create group');

  function renderFriends() {
    const friends = friendsStore.accepted;
    replaceChildren(choices, h('legend', {}, 'Friends to add'),
      friends.length
        ? friends.map((friend) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', value: friend.userId, dataset: { username: friend.username } }), ' ', nameOf(friend), ' ',
          h('span', { class: 'muted' }, `@${friend.username}`)))
        : h('p', { class: 'muted' }, 'Add friends first: a group is made of your friends.'));
  }

  const form = h('form', {
    class: 'page new-group',
    onsubmit: async (event) => {
      event.preventDefault();
      errors.clear();
      create.disabled = true;
      try {
        const memberIds = [...choices.querySelectorAll('input:checked')].map((box) => box.value);
        const group = await groupsApi.create(name.value, memberIds);
        location.hash = `#/group/${encodeURIComponent(group.conversationId)}`;
      } catch (error) {
        errors.show(error);
      } finally {
        create.disabled = false;
      }
    },
  }, h('h1', { class: 'pane-title' }, 'New group'), field, choices, errors.element, h('div', { class: 'actions' }, create, ' ', h('a', { href: '#/messages' }, 'Cancel')));

  replaceChildren(container, form);
  friendsStore.addEventListener('change', renderFriends);
  renderFriends();
  friendsStore.load().catch(errors.show);
  return { unmount: () => friendsStore.removeEventListener('change', renderFriends) };
}
