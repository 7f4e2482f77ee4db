import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitText } from '../src/api/errors.js';
import { presenceText } from '../src/friends/presence.js';

test('waits under two minutes are said in seconds, longer ones in whole minutes rounded up', () => {
  assert.equal(waitText(45), '45 s');
  assert.equal(waitText(119), '119 s');
  assert.equal(waitText(120), '2 min');
  assert.equal(waitText(896), '15 min');
});

test('presence reads online, away, offline with last seen, and nothing when not shared', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  assert.equal(presenceText({ status: 'online', lastSeenAt: null }, now), 'Online');
  assert.equal(presenceText({ status: 'away', lastSeenAt: null }, now), 'Away');
  assert.equal(presenceText({ status: 'offline', lastSeenAt: null }, now), 'Offline');
  assert.equal(presenceText({ status: 'offline', lastSeenAt: '2026-11-30T11:59:40Z' }, now), 'Last seen just now');
  assert.equal(presenceText({ status: 'offline', lastSeenAt: '2026-11-30T11:35:00Z' }, now), 'Last seen 25 min ago');
  assert.equal(presenceText({ status: 'unknown', lastSeenAt: null }, now), null);
  assert.equal(presenceText(undefined, now), null);
});
