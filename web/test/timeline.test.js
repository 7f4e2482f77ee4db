import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadCursor, Timeline } from '../src/chat/timeline.js';

const ME = 'me';
const PEER = 'peer';
const message = (seq, senderId = PEER, messageId = `m${seq}`) => ({ messageId, seq, senderId });
const seqs = (timeline) => timeline.messages.map((m) => m.seq);

describe('Timeline', () => {
  it('starts empty with no oldest and newest 0', () => {
    const timeline = new Timeline();
    assert.equal(timeline.length, 0);
    assert.equal(timeline.newestSeq, 0);
    assert.equal(timeline.oldestSeq, null);
    assert.equal(timeline.newest, null);
  });

  it('keeps messages in seq order whatever order they arrive in, and says where each went', () => {
    const timeline = new Timeline();
    assert.equal(timeline.add(message(5)), 0);
    assert.equal(timeline.add(message(7)), 1);
    assert.equal(timeline.add(message(6)), 1);
    assert.equal(timeline.add(message(1)), 0);
    assert.deepEqual(seqs(timeline), [1, 5, 6, 7]);
    assert.equal(timeline.newestSeq, 7);
    assert.equal(timeline.oldestSeq, 1);
    assert.equal(timeline.newest.seq, 7);
  });

  it('adds an older page before what is there', () => {
    const timeline = new Timeline();
    [51, 52, 53].forEach((seq) => timeline.add(message(seq)));
    [48, 49, 50].forEach((seq) => timeline.add(message(seq)));
    assert.deepEqual(seqs(timeline), [48, 49, 50, 51, 52, 53]);
    assert.equal(timeline.oldestSeq, 48);
  });

  it('shows a message that arrives twice (push and catch-up) once', () => {
    const timeline = new Timeline();
    assert.equal(timeline.add(message(1)), 0);
    assert.equal(timeline.add({ ...message(1) }), -1);
    assert.equal(timeline.length, 1);
    assert.ok(timeline.has('m1'));
  });

  it('finds a gap when a pushed message skips ahead', () => {
    const timeline = new Timeline();
    assert.equal(timeline.isAhead(message(1)), false);
    timeline.add(message(1));
    timeline.add(message(2));
    assert.equal(timeline.isAhead(message(3)), false);
    assert.equal(timeline.isAhead(message(4)), true);
    assert.equal(timeline.isAhead(message(2)), false);
  });

  it('never brings back a removed message, and keeps the fetched range', () => {
    const timeline = new Timeline();
    [1, 2, 3].forEach((seq) => timeline.add(message(seq)));
    assert.equal(timeline.remove('m3').seq, 3);
    assert.equal(timeline.remove('m3'), null);
    assert.deepEqual(seqs(timeline), [1, 2]);
    assert.equal(timeline.newest.seq, 2);
    assert.equal(timeline.newestSeq, 3, 'catch-up still starts after the newest fetched');
    assert.equal(timeline.add(message(3)), -1);
  });

  it('remembers a message hidden in another tab before it ever arrived here', () => {
    const timeline = new Timeline();
    assert.equal(timeline.remove('m9'), null);
    assert.equal(timeline.add(message(9)), -1);
  });

  it('puts "Seen" under my newest message the peer has read', () => {
    const timeline = new Timeline();
    timeline.add(message(1, ME));
    timeline.add(message(2, PEER));
    timeline.add(message(3, ME));
    timeline.add(message(4, ME));
    assert.equal(timeline.seenMessage(ME, 0), null);
    assert.equal(timeline.seenMessage(ME, 2).seq, 1);
    assert.equal(timeline.seenMessage(ME, 3).seq, 3);
    assert.equal(timeline.seenMessage(ME, 99).seq, 4);
  });

  it('tells whether the peer wrote anything after a position', () => {
    const timeline = new Timeline();
    timeline.add(message(1, PEER));
    timeline.add(message(2, ME));
    assert.equal(timeline.hasIncomingAfter(ME, 0), true);
    assert.equal(timeline.hasIncomingAfter(ME, 1), false);
  });
});

describe('ReadCursor', () => {
  it('marks up to what was seen, only forward', () => {
    const cursor = new ReadCursor();
    assert.equal(cursor.next(5, { hasUnread: true }), 5);
    assert.equal(cursor.next(5, { hasUnread: true }), null);
    assert.equal(cursor.next(3, { hasUnread: true }), null);
    assert.equal(cursor.next(8, { hasUnread: true }), 8);
    assert.equal(cursor.marked, 8);
  });

  it('does not call the server when nothing is unread but still moves on', () => {
    const cursor = new ReadCursor();
    assert.equal(cursor.next(4, { hasUnread: false }), null);
    assert.equal(cursor.marked, 4);
  });

  it('tries again after a failure', () => {
    const cursor = new ReadCursor();
    assert.equal(cursor.next(4, { hasUnread: true }), 4);
    cursor.failed();
    assert.equal(cursor.next(4, { hasUnread: true }), 4);
  });
});
