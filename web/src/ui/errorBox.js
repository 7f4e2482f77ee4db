import { describeError } from '../api/errors.js';
import { h } from './dom.js';

/**
 * An inline error area (role=alert) for one form or list. show(error) describes any contract
 * error; a rate limit counts down its Retry-After wait and calls onReady when it is over.
 */
export function errorBox() {
  const element = h('p', { class: 'error', role: 'alert', hidden: true });
  let timer = null;

  const clear = () => {
    clearInterval(timer);
    timer = null;
    element.textContent = '';
    element.hidden = true;
    delete element.dataset.code;
  };

  const show = (error, { onReady } = {}) => {
    clear();
    element.hidden = false;
    element.dataset.code = error?.code ?? 'error';
    if ((error?.code === 'rate_limited' || error?.code === 'unavailable') && error.retryAfter) {
      let left = error.retryAfter;
      const render = () => {
        element.textContent = describeError({ ...error, retryAfter: left });
      };
      render();
      timer = setInterval(() => {
        left -= 1;
        if (left <= 0) {
          clear();
          onReady?.();
        } else {
          render();
        }
      }, 1000);
    } else {
      element.textContent = describeError(error);
    }
  };

  return { element, show, clear };
}
