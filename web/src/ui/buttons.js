import { h } from './dom.js';

/**
 * A button that runs an async action, disabled while it runs; a failure goes to onError.
 * `confirm`: a label for a second click within 4 s (for actions that are hard to undo).
 */
export function actionButton(label, action, { onError, confirm, className = 'button', ariaLabel } = {}) {
  let armed = false;
  let timer = null;
  const button = h('button', { type: 'button', class: className, 'aria-label': ariaLabel }, label);
  const reset = () => {
    armed = false;
    clearTimeout(timer);
    button.textContent = label;
    button.classList.remove('armed');
    if (ariaLabel) {
      button.setAttribute('aria-label', ariaLabel);
    }
  };
  button.addEventListener('click', async () => {
    if (confirm && !armed) {
      armed = true;
      button.textContent = confirm;
      button.classList.add('armed');
      button.removeAttribute('aria-label');
      timer = setTimeout(reset, 4000);
      return;
    }
    reset();
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      onError?.(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
