// The signed-in user's token, kept in localStorage so every tab of the browser shares one
// session (and signing out in one tab signs out all). Tokens never go into URLs; the only
// exception is SignalR's access_token handshake, which the SignalR client adds itself.

const KEY = 'social.session';
const listeners = new Set();

function read() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (!value?.accessToken || !value?.userId) {
      return null;
    }
    if (value.expiresAt && Date.parse(value.expiresAt) <= Date.now()) {
      localStorage.removeItem(KEY);
      return null;
    }
    return value;
  } catch {
    return null;
  }
}

let current = read();

function notify(reason) {
  for (const listener of listeners) {
    listener(current, reason);
  }
}

// Another tab signed in or out.
window.addEventListener('storage', (event) => {
  if (event.key === KEY || event.key === null) {
    const next = read();
    if (next?.accessToken !== current?.accessToken) {
      current = next;
      notify(next ? 'signed_in_elsewhere' : 'signed_out_elsewhere');
    }
  }
});

export const session = {
  get current() {
    return current;
  },

  get token() {
    return current?.accessToken ?? null;
  },

  get userId() {
    return current?.userId ?? null;
  },

  /** Stores an auth response: { userId, username, accessToken, expiresAt }. */
  signIn(auth) {
    current = { userId: auth.userId, username: auth.username, accessToken: auth.accessToken, expiresAt: auth.expiresAt };
    localStorage.setItem(KEY, JSON.stringify(current));
    notify('signed_in');
  },

  signOut(reason = 'signed_out') {
    if (!current) {
      return;
    }
    current = null;
    localStorage.removeItem(KEY);
    notify(reason);
  },

  /** listener(session | null, reason) */
  onChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
