// What each contract error code means to a person. Clients branch on status + code, never on
// the server's title/detail text.

const messages = {
  validation_failed: 'Please check the highlighted fields.',
  unauthorized: 'Your session has ended. Please sign in again.',
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Try another one.',
  address_taken: 'That address belongs to another account.',
  user_not_found: 'That user could not be found.',
  conversation_not_found: 'That conversation could not be found.',
  message_not_found: 'That message no longer exists.',
  cannot_friend_self: 'You cannot send a friend request to yourself.',
  blocked: 'You can\'t interact with this user: one of you has blocked the other.',
  request_already_sent: 'A friend request is already pending.',
  already_friends: 'You are already friends.',
  friend_limit_reached: 'The friend limit has been reached. Remove a friend or upgrade to PRO for more.',
  no_pending_request: 'There is no pending request any more.',
  not_friends: 'You can only message friends. Send a friend request first.',
  not_blocked: 'You have not blocked this user.',
  empty_message: 'Type a message first.',
  message_too_long: 'Messages can be at most 2000 characters.',
  pro_required: 'Greetings are a PRO feature.',
  greeting_already_sent: 'You have already sent this user a greeting (one per person).',
  unavailable: 'The server is busy.',
  network_error: 'Cannot reach the server. Check your connection and try again.',
  internal_error: 'Something went wrong on the server. Please try again.',
};

/** "45 s" under two minutes, else whole minutes rounded up ("15 min"). */
export function waitText(seconds) {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** A sentence for an ApiError (or anything thrown), including the wait for rate limits. */
export function describeError(error) {
  const code = error?.code;
  if (code === 'rate_limited' || code === 'unavailable') {
    const seconds = error.retryAfter ?? 1;
    const lead = code === 'rate_limited' ? 'Too many requests — slow down.' : messages.unavailable;
    return `${lead} Try again in ${waitText(seconds)}.`;
  }
  if (code === 'validation_failed' && error.errors) {
    const details = Object.entries(error.errors)
      .map(([field, problems]) => `${field}: ${[].concat(problems).join(' ')}`)
      .join(' ');
    return `${messages.validation_failed} ${details}`.trim();
  }
  return messages[code] ?? error?.message ?? 'Something went wrong.';
}
