// Sign in / sign up. On success the session is stored and the app shell takes over.
import { auth } from '../api/client.js';
import { h, labelled, replaceChildren } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';
import { session } from './session.js';

export function mountAuth(container, { mode = 'signin', notice = '' } = {}) {
  const errors = errorBox();
  const fieldErrors = new Map();

  const field = (name, label, attributes, hint) => {
    const { field: wrapper, input } = labelled(label, { name, ...attributes }, hint);
    const message = h('small', { class: 'field-error', id: `${input.id}-error`, hidden: true });
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), message.id].filter(Boolean).join(' '));
    wrapper.append(message);
    fieldErrors.set(name, { input, message });
    return wrapper;
  };

  const clearFieldErrors = () => {
    for (const { input, message } of fieldErrors.values()) {
      input.removeAttribute('aria-invalid');
      message.hidden = true;
      message.textContent = '';
    }
  };

  const showFieldErrors = (map) => {
    for (const [name, problems] of Object.entries(map ?? {})) {
      const target = fieldErrors.get(name);
      if (target) {
        target.input.setAttribute('aria-invalid', 'true');
        target.message.hidden = false;
        target.message.textContent = [].concat(problems).join(' ');
      }
    }
  };

  function render() {
    fieldErrors.clear();
    errors.clear();
    const signUp = mode === 'signup';
    const form = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'auth-heading' },
      h('h1', { id: 'auth-heading' }, signUp ? 'Create your account' : 'Sign in to Social'),
      notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
      errors.element,
      field('username', 'Username', { autocomplete: 'username', required: true, minlength: 3, maxlength: 32, autocapitalize: 'none', spellcheck: 'false' },
        signUp ? '3–32 characters: a–z, 0–9, _ and .' : null),
      field('password', 'Password', { type: 'password', autocomplete: signUp ? 'new-password' : 'current-password', required: true, minlength: signUp ? 8 : null },
        signUp ? 'At least 8 characters.' : null),
      signUp ? field('displayName', 'Display name (optional)', { autocomplete: 'nickname', maxlength: 64 }) : null,
      signUp ? field('address', 'Address (optional)', { autocomplete: 'off', maxlength: 100, spellcheck: 'false' }, 'A public handle others can find you by, e.g. a wallet address.') : null,
      h('button', { type: 'submit', class: 'button primary wide' }, signUp ? 'Create account' : 'Sign in'),
      h('p', { class: 'switch' },
        signUp ? 'Already have an account? ' : 'New here? ',
        h('button', { type: 'button', class: 'link-button', onclick: () => { mode = signUp ? 'signin' : 'signup'; notice = ''; render(); } },
          signUp ? 'Sign in' : 'Create an account')));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errors.clear();
      clearFieldErrors();
      const data = Object.fromEntries(new FormData(form));
      const submit = form.querySelector('button[type="submit"]');
      submit.disabled = true;
      try {
        const result = signUp
          ? await auth.register({
            username: data.username.trim(),
            password: data.password,
            displayName: data.displayName?.trim() || undefined,
            address: data.address?.trim() || undefined,
          })
          : await auth.login(data.username.trim(), data.password);
        session.signIn(result);
      } catch (error) {
        const fields = { ...error.errors };
        if (error.code === 'username_taken') {
          fields.username = ['That username is taken. Try another one.'];
        } else if (error.code === 'address_taken') {
          fields.address = ['That address belongs to another account.'];
        }
        showFieldErrors(fields);
        // Each problem once: beside its field when there is one, in the banner otherwise.
        const unplaced = Object.keys(fields).filter((name) => !fieldErrors.has(name));
        if (Object.keys(fields).length === 0 || unplaced.length > 0) {
          errors.show(error, { onReady: () => { submit.disabled = false; } });
        }
        submit.disabled = error.code === 'rate_limited';
        return;
      }
      submit.disabled = false;
    });

    replaceChildren(container, h('div', { class: 'auth-page' }, form));
    form.querySelector('input')?.focus();
  }

  render();
  return { unmount() {} };
}
