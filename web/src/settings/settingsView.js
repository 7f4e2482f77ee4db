// Settings (#/settings): the caller's display name and password (docs/api.md, "Profile settings").
// A password change ends every other session; this tab goes on with the fresh token the server
// returns (signing in with it restarts the app, so the success note is kept for the next mount).
import { profile as profileApi } from '../api/client.js';
import { session } from '../auth/session.js';
import { h, replaceChildren } from '../ui/dom.js';
import { fieldForm } from './fieldForm.js';

const DISPLAY_NAME_MAX = 64;
const PASSWORD_MIN = 8;
const PASSWORD_CHANGED = 'Password changed. Your other devices were signed out.';

let noteAfterRestart = null;

export function mountSettings(container, ctx) {
  replaceChildren(container, h('div', { class: 'page settings' },
    h('h1', { class: 'pane-title' }, 'Settings'),
    displayNameForm(ctx),
    passwordForm()));
  return { unmount() {} };
}

function displayNameForm(ctx) {
  const form = fieldForm();
  const { wrapper, input } = form.field('displayName', 'Display name', { maxlength: DISPLAY_NAME_MAX, autocomplete: 'nickname', dir: 'auto' },
    'What friends see. Leave it empty to show your username.');
  input.value = ctx.me?.displayName ?? '';
  const save = h('button', { type: 'submit', class: 'button' }, 'Save name');

  return h('form', {
    class: 'settings-section',
    'aria-labelledby': 'settings-name-title',
    onsubmit: async (event) => {
      event.preventDefault();
      form.clear();
      save.disabled = true;
      try {
        const me = await profileApi.changeDisplayName(input.value);
        input.value = me.displayName;
        await ctx.refreshMe().catch(() => {});
        form.succeed('Display name saved.');
      } catch (error) {
        form.fail(error);
      } finally {
        save.disabled = false;
      }
    },
  }, h('h2', { id: 'settings-name-title' }, 'Display name'), form.banner, wrapper, h('div', { class: 'actions' }, save), form.status);
}

function passwordForm() {
  const form = fieldForm();
  const current = form.field('currentPassword', 'Current password', { type: 'password', autocomplete: 'current-password', required: true });
  const next = form.field('newPassword', 'New password', { type: 'password', autocomplete: 'new-password', required: true, minlength: PASSWORD_MIN },
    `At least ${PASSWORD_MIN} characters.`);
  const repeat = form.field('repeatPassword', 'Repeat the new password', { type: 'password', autocomplete: 'new-password', required: true });
  const change = h('button', { type: 'submit', class: 'button' }, 'Change password');
  if (noteAfterRestart) {
    form.succeed(noteAfterRestart);
    noteAfterRestart = null;
  }

  return h('form', {
    class: 'settings-section',
    'aria-labelledby': 'settings-password-title',
    onsubmit: async (event) => {
      event.preventDefault();
      form.clear();
      if (next.input.value !== repeat.input.value) {
        form.fail({ code: 'validation_failed' }, { repeatPassword: ['The new passwords do not match.'] });
        return;
      }
      change.disabled = true;
      try {
        const auth = await profileApi.changePassword(current.input.value, next.input.value);
        noteAfterRestart = PASSWORD_CHANGED;
        session.signIn(auth); // the new token; the app restarts with it and mounts this page again
      } catch (error) {
        if (error.code === 'wrong_password') {
          form.fail(error, { currentPassword: ['The current password is wrong.'] });
        } else {
          form.fail(error);
        }
        change.disabled = error.code === 'rate_limited';
        if (error.code === 'rate_limited') {
          setTimeout(() => { change.disabled = false; }, (error.retryAfter ?? 1) * 1000);
        }
        return;
      }
      change.disabled = false;
    },
  }, h('h2', { id: 'settings-password-title' }, 'Password'),
  h('p', { class: 'muted' }, 'Changing your password signs you out on your other devices (tabs of this browser stay signed in).'),
  form.banner, current.wrapper, next.wrapper, repeat.wrapper, h('div', { class: 'actions' }, change), form.status);
}
