import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSequence, classify, planSession } from '../src/realtime/eventSequence.js';

const at = (epoch, seq) => ({ epoch, seq });

/** An EventSequence whose dispatches and resyncs are recorded; resume answers from `answers`. */
function harness(answers = []) {
  const seen = [];
  const resumes = [];
  let resyncs = 0;
  const sequence = new EventSequence({
    dispatch: (name, payload) => seen.push(`${name}:${payload}`),
    resync: () => {
      resyncs += 1;
      seen.push('resync');
    },
    resume: async (position) => {
      resumes.push(position);
      const answer = answers.shift();
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    },
  });
  return { sequence, seen, resumes, get resyncs() { return resyncs; } };
}

/** Connects and settles a session at `position`. */
async function connect(sequence, position) {
  sequence.connectionStarted();
  await sequence.session(position);
}

describe('classify', () => {
  it('tells the next event, a duplicate, a skipped seq and a new epoch apart', () => {
    assert.equal(classify(at(7, 3), at(7, 4)), 'next');
    assert.equal(classify(at(7, 3), at(7, 3)), 'duplicate');
    assert.equal(classify(at(7, 3), at(7, 1)), 'duplicate');
    assert.equal(classify(at(7, 3), at(7, 5)), 'gap');
    assert.equal(classify(at(7, 3), at(8, 1)), 'gap');
    assert.equal(classify(null, at(8, 1)), 'gap');
    assert.equal(classify(at(7, 3), undefined), 'unsequenced');
  });
});

describe('planSession', () => {
  it('resyncs on a first connect or another epoch, resumes behind, goes live when level', () => {
    assert.equal(planSession(null, at(1, 0)), 'resync');
    assert.equal(planSession(at(1, 4), at(2, 4)), 'resync');
    assert.equal(planSession(at(1, 9), at(1, 4)), 'resync');
    assert.equal(planSession(at(1, 4), at(1, 4)), 'live');
    assert.equal(planSession(at(1, 2), at(1, 4)), 'resume');
  });
});

describe('EventSequence', () => {
  it('catches up through REST on the first connection, then passes events in order', async () => {
    const h = harness();
    await connect(h.sequence, at(5, 10));
    h.sequence.event('new_message', 'a', at(5, 11));
    h.sequence.event('typing', 't', undefined);
    h.sequence.event('read_receipt', 'b', at(5, 12));
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'typing:t', 'read_receipt:b']);
    assert.deepEqual(h.sequence.last, at(5, 12));
  });

  it('drops an event it already applied', async () => {
    const h = harness();
    await connect(h.sequence, at(5, 0));
    h.sequence.event('new_message', 'a', at(5, 1));
    h.sequence.event('new_message', 'a again', at(5, 1));
    assert.deepEqual(h.seen, ['resync', 'new_message:a']);
  });

  it('applies a complete replay in order, skipping what it already has, then the buffered live events', async () => {
    const h = harness([{ complete: true, events: [
      { type: 'new_message', data: 'a', epoch: 5, seq: 1 },
      { type: 'new_message', data: 'b', epoch: 5, seq: 2 },
      { type: 'friend_removed', data: 'c', epoch: 5, seq: 3 },
    ] }]);
    await connect(h.sequence, at(5, 0));
    h.sequence.event('new_message', 'a', at(5, 1));
    h.sequence.connectionStarted();
    h.sequence.event('new_message', 'd', at(5, 4)); // live, before the session settles
    h.sequence.event('new_message', 'd', at(5, 4)); // and a double of it
    await h.sequence.session(at(5, 3));
    assert.deepEqual(h.resumes, [at(5, 1)]);
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'new_message:b', 'friend_removed:c', 'new_message:d']);
    assert.deepEqual(h.sequence.last, at(5, 4));
  });

  it('goes live without a resume or a resync when nothing was missed', async () => {
    const h = harness();
    await connect(h.sequence, at(5, 0));
    h.sequence.event('new_message', 'a', at(5, 1));
    await connect(h.sequence, at(5, 1));
    h.sequence.event('new_message', 'b', at(5, 2));
    assert.deepEqual(h.resumes, []);
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'new_message:b']);
  });

  it('resyncs when the replay is incomplete, fails, or another epoch began', async () => {
    for (const answer of [{ complete: false, events: [] }, new Error('not connected')]) {
      const h = harness([answer]);
      await connect(h.sequence, at(5, 0));
      h.sequence.event('new_message', 'a', at(5, 1));
      await connect(h.sequence, at(5, 4));
      h.sequence.event('new_message', 'e', at(5, 5));
      assert.deepEqual(h.seen, ['resync', 'new_message:a', 'resync', 'new_message:e']);
      assert.deepEqual(h.sequence.last, at(5, 5));
    }
    const h = harness();
    await connect(h.sequence, at(5, 0));
    h.sequence.event('new_message', 'a', at(5, 1));
    await connect(h.sequence, at(9, 2));
    assert.deepEqual(h.resumes, []);
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'resync']);
    assert.deepEqual(h.sequence.last, at(9, 2));
  });

  it('treats a skipped seq or an unannounced epoch as a gap: resync, and go on from there', async () => {
    const h = harness();
    await connect(h.sequence, at(5, 0));
    h.sequence.event('new_message', 'a', at(5, 1));
    h.sequence.event('new_message', 'c', at(5, 3));
    h.sequence.event('new_message', 'd', at(5, 4));
    h.sequence.event('new_message', 'x', at(6, 1));
    h.sequence.event('new_message', 'y', at(6, 2));
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'resync', 'new_message:c', 'new_message:d', 'resync', 'new_message:x', 'new_message:y']);
  });

  it('follows the server\'s resync position', async () => {
    const h = harness();
    await connect(h.sequence, at(5, 0));
    h.sequence.event('new_message', 'a', at(5, 1));
    h.sequence.serverResync(at(5, 7));
    h.sequence.event('new_message', 'h', at(5, 8));
    h.sequence.event('new_message', 'old', at(5, 6));
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'resync', 'new_message:h']);
  });

  it('ignores the answer of a resume that a newer connection overtook', async () => {
    const answers = [];
    const h = harness();
    const sequence = new EventSequence({
      dispatch: (name, payload) => h.seen.push(`${name}:${payload}`),
      resync: () => h.seen.push('resync'),
      resume: () => new Promise((resolve) => {
        answers.push(resolve);
      }),
    });
    await connect(sequence, at(5, 0));
    sequence.event('new_message', 'a', at(5, 1));
    sequence.connectionStarted();
    const stale = sequence.session(at(5, 3));
    sequence.connectionStarted();
    const fresh = sequence.session(at(5, 4));
    answers[0]({ complete: true, events: [{ type: 'new_message', data: 'stale', epoch: 5, seq: 2 }] });
    await stale;
    answers[1]({ complete: true, events: [2, 3, 4].map((seq) => ({ type: 'new_message', data: `m${seq}`, epoch: 5, seq })) });
    await fresh;
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'new_message:m2', 'new_message:m3', 'new_message:m4']);
  });

  it('without a session in time, catches up and takes the next position as the start', async () => {
    const h = harness();
    h.sequence.connectionStarted();
    h.sequence.event('new_message', 'a', at(5, 3));
    h.sequence.sessionMissing();
    h.sequence.event('new_message', 'b', at(5, 4));
    assert.deepEqual(h.seen, ['resync', 'new_message:a', 'new_message:b']);
  });
});
