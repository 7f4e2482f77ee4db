import { h } from './dom.js';

/** A short notice in the polite live region; it goes away by itself. */
export function toast(text, { kind = 'info', timeout = 5000 } = {}) {
  const region = document.getElementById('toasts');
  if (!region) {
    return;
  }
  const item = h('div', { class: `toast toast-${kind}` }, text);
  region.append(item);
  while (region.childElementCount > 3) {
    region.firstElementChild.remove();
  }
  setTimeout(() => item.remove(), timeout);
}
