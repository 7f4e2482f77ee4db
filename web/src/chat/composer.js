// A message box with a live counter of Unicode code points (the contract's unit: an emoji made
// of a surrogate pair counts once), Enter to send and Shift+Enter for a new line.
import { h, uid } from '../ui/dom.js';

export const MAX_MESSAGE_CODE_POINTS = 2000;

export function countCodePoints(text) {
  let count = 0;
  for (const _ of text) {
    count += 1;
  }
  return count;
}

/**
 * onSubmit(text) is called with the text when Enter is pressed or the button clicked, unless
 * it is blank or too long. onInput() on every edit (for typing notifications).
 */
export function composer({ label, buttonLabel = 'Send', placeholder, onSubmit, onInput, rows = 2 }) {
  const id = uid('composer');
  const counterId = `${id}-counter`;
  const textarea = h('textarea', {
    id, rows, placeholder, 'aria-describedby': counterId, autocomplete: 'off', enterkeyhint: 'send', name: 'content', dir: 'auto',
  });
  const counter = h('span', { class: 'counter', id: counterId, dataset: { testid: 'counter' } });
  const button = h('button', { type: 'submit', class: 'button primary send-button' }, buttonLabel);
  const form = h('form', { class: 'composer' },
    h('label', { for: id, class: 'visually-hidden' }, label),
    textarea,
    h('div', { class: 'composer-side' }, counter, button));

  let blocked = false;
  const update = () => {
    const count = countCodePoints(textarea.value);
    const over = count > MAX_MESSAGE_CODE_POINTS;
    counter.textContent = over
      ? `${count} / ${MAX_MESSAGE_CODE_POINTS} — ${count - MAX_MESSAGE_CODE_POINTS} too many`
      : `${count} / ${MAX_MESSAGE_CODE_POINTS}`;
    counter.classList.toggle('over', over);
    textarea.setAttribute('aria-invalid', over ? 'true' : 'false');
    button.disabled = blocked || over || textarea.value.trim() === '';
  };

  const submit = () => {
    const text = textarea.value;
    if (blocked || text.trim() === '' || countCodePoints(text) > MAX_MESSAGE_CODE_POINTS) {
      return;
    }
    onSubmit(text);
  };

  textarea.addEventListener('input', () => {
    update();
    onInput?.();
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  update();

  return {
    form,
    textarea,
    get value() {
      return textarea.value;
    },
    set value(text) {
      textarea.value = text;
      update();
    },
    /** Disables sending (e.g. while rate limited or not friends) without losing the text. */
    setBlocked(value) {
      blocked = value;
      textarea.disabled = value === 'hard';
      update();
    },
    focus() {
      textarea.focus();
    },
  };
}
