// The one place that talks HTTP to the public contract (shared/API-CONTRACT.md).
import { session } from '../auth/session.js';

export class ApiError extends Error {
  constructor(status, code, message, { errors = null, retryAfter = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }
}

function codeForStatus(status) {
  return { 400: 'validation_failed', 401: 'unauthorized', 404: 'not_found', 429: 'rate_limited', 503: 'unavailable' }[status]
    ?? (status >= 500 ? 'internal_error' : 'error');
}

function parseRetryAfter(value) {
  if (!value) {
    return null;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(1, Math.ceil(seconds));
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = session.token;
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server.');
  }

  const isJson = (response.headers.get('Content-Type') ?? '').includes('json');
  const data = response.status === 204 || !isJson ? null : await response.json().catch(() => null);
  if (response.ok) {
    return data;
  }

  const error = new ApiError(response.status, data?.code ?? codeForStatus(response.status), data?.detail ?? response.statusText, {
    errors: data?.errors ?? null,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
  if (error.status === 401 && token && token === session.token) {
    session.signOut('expired');
  }
  throw error;
}

const id = (value) => encodeURIComponent(value);
const query = (params) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const auth = {
  register: (input) => request('POST', '/api/auth/register', input),
  login: (username, password) => request('POST', '/api/auth/login', { username, password }),
};

export const users = {
  me: () => request('GET', '/api/users/me'),
  get: (userId) => request('GET', `/api/users/${id(userId)}`),
  search: (q, limit = 20, cursor = undefined) => request('GET', `/api/users/search${query({ q, limit, cursor })}`),
};

// Profile settings (docs/api.md, "Profile settings").
export const profile = {
  changeDisplayName: (displayName) => request('PATCH', '/api/users/me', { displayName }),
  changePassword: (currentPassword, newPassword) => request('POST', '/api/users/me/password', { currentPassword, newPassword }),
};

export const friends = {
  request: (userId) => request('POST', `/api/friends/request/${id(userId)}`),
  accept: (userId) => request('POST', `/api/friends/accept/${id(userId)}`),
  reject: (userId) => request('POST', `/api/friends/reject/${id(userId)}`),
  cancel: (userId) => request('POST', `/api/friends/cancel/${id(userId)}`),
  batchAccept: (userIds) => request('POST', '/api/friends/batch-accept', userIds),
  unfriend: (userId) => request('DELETE', `/api/friends/${id(userId)}`),
  block: (userId) => request('POST', `/api/friends/block/${id(userId)}`),
  unblock: (userId) => request('POST', `/api/friends/unblock/${id(userId)}`),
  list: (status, cursor, limit = 50) => request('GET', `/api/friends/list${query({ status, cursor, limit })}`),
};

export const messages = {
  send: (recipientId, content, clientMessageId) => request('POST', '/api/messages/send', { recipientId, content, clientMessageId }),
  greeting: (recipientId, content) => request('POST', '/api/messages/greeting', { recipientId, content }),
  conversations: (search, cursor, limit = 20) => request('GET', `/api/messages/conversations${query({ search, cursor, limit })}`),
  conversationWith: (userId) => request('GET', `/api/messages/conversations/with/${id(userId)}`),
  history: (conversationId, { beforeSeq, afterSeq, limit = 50 } = {}) =>
    request('GET', `/api/messages/${id(conversationId)}${query({ beforeSeq, afterSeq, limit })}`),
  markRead: (conversationId, upToSeq) => request('POST', '/api/messages/mark-read', { conversationId, upToSeq }),
  unread: () => request('GET', '/api/messages/unread'),
  hide: (conversationId, messageId) => request('POST', '/api/messages/hide', { conversationId, messageId }),
};

// Groups (docs/api.md, "Groups").
export const groups = {
  create: (name, memberIds) => request('POST', '/api/groups', { name, memberIds }),
  get: (conversationId) => request('GET', `/api/groups/${id(conversationId)}`),
  rename: (conversationId, name) => request('PATCH', `/api/groups/${id(conversationId)}`, { name }),
  addMember: (conversationId, userId) => request('POST', `/api/groups/${id(conversationId)}/members`, { userId }),
  removeMember: (conversationId, userId) => request('DELETE', `/api/groups/${id(conversationId)}/members/${id(userId)}`),
  leave: (conversationId) => request('POST', `/api/groups/${id(conversationId)}/leave`),
  setRole: (conversationId, userId, role) => request('PUT', `/api/groups/${id(conversationId)}/members/${id(userId)}/role`, { role }),
  send: (conversationId, content, clientMessageId) => request('POST', `/api/groups/${id(conversationId)}/messages`, { content, clientMessageId }),
  history: (conversationId, { beforeSeq, afterSeq, limit = 50 } = {}) =>
    request('GET', `/api/groups/${id(conversationId)}/messages${query({ beforeSeq, afterSeq, limit })}`),
  markRead: (conversationId, upToSeq) => request('POST', `/api/groups/${id(conversationId)}/mark-read`, { upToSeq }),
  typing: (conversationId) => request('POST', `/api/groups/${id(conversationId)}/typing`),
};
