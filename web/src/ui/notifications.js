// Desktop notifications, opt-in: the user turns them on with a visible control (the browser's
// permission is asked only then, on that click), and one shows only while the tab is hidden.
// Clicking one brings the tab forward and opens the chat. The choice is kept per browser.
import { h } from './dom.js';

const KEY = 'social.notifications';

class DesktopNotifications extends EventTarget {
  get supported() {
    return 'Notification' in globalThis;
  }

  /** 'granted', 'denied' or 'default' (not asked yet); 'unsupported' without the API. */
  get permission() {
    return this.supported ? Notification.permission : 'unsupported';
  }

  /** Whether the user turned them on here and the browser allows them. */
  get enabled() {
    return this.permission === 'granted' && localStorage.getItem(KEY) === 'on';
  }

  /** Turns them on; call only from a user's click (browsers ask for permission only then). */
  async enable() {
    if (!this.supported) {
      return;
    }
    const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    if (permission === 'granted') {
      localStorage.setItem(KEY, 'on');
    }
    this.dispatchEvent(new Event('change'));
  }

  disable() {
    localStorage.setItem(KEY, 'off');
    this.dispatchEvent(new Event('change'));
  }

  /** Shows one when enabled and the tab is hidden; `onClick` runs after the tab is focused. */
  show(title, { body, tag, onClick }) {
    if (!this.enabled || document.visibilityState !== 'hidden') {
      return;
    }
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick?.();
      notification.close();
    };
  }
}

export const desktopNotifications = new DesktopNotifications();

/** The switch for them: says what they are, and why it cannot be turned on when the browser refuses. */
export function notificationsToggle() {
  const button = h('button', { type: 'button', class: 'link-button notifications-toggle', id: 'notifications-toggle' });
  const note = h('span', { class: 'muted notifications-note', role: 'status' });
  const element = h('p', { class: 'notifications' }, button, ' ', note);
  const render = () => {
    const { permission, enabled } = desktopNotifications;
    element.hidden = permission === 'unsupported';
    button.setAttribute('aria-pressed', String(enabled));
    button.textContent = enabled ? 'Desktop notifications: on' : 'Desktop notifications: off';
    button.disabled = permission === 'denied';
    note.textContent = permission === 'denied' ? 'Blocked in the browser\'s site settings.' : '';
  };
  button.addEventListener('click', async () => {
    if (desktopNotifications.enabled) {
      desktopNotifications.disable();
    } else {
      await desktopNotifications.enable();
    }
  });
  desktopNotifications.addEventListener('change', render);
  render();
  return {
    element,
    unmount: () => desktopNotifications.removeEventListener('change', render),
  };
}
