import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Outbox, isTransient, retryDelay } from '../src/chat/outbox.js';

/** A Storage stand-in. */
class MemoryStorage {
  #map = new Map();
  getItem(key) {
    return this.#map.has(key) ? this.#map.get(key) : null;
  }
  setItem(key, value) {
    this.#map.set(key, String(value));
  }
  removeItem(key) {
    this.#map.delete(key);
  }
}

const apiError = (status, code, retryAfter = null) => Object.assign(new Error(code), { status, code, retryAfter });

/** A server whose answers the test scripts: each send waits until the test answers it. */
function scriptedServer() {
  const calls = [];
  const waiting = [];
  const send = (request) => new Promise((resolve, reject) => {
    calls.push(request);
    waiting.push({ request, resolve, reject });
  });
  const next = async () => {
    for (let i = 0; i < 100 && waiting.length === 0; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(waiting.length > 0, 'a send was expected');
    return waiting.shift();
  };
  const idle = async () => {
    for (let i = 0; i < 20; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return waiting.length === 0;
  };
  return { calls, send, next, idle };
}

const stored = (request, seq) => ({ messageId: `m${seq}`, seq, content: request.content, clientMessageId: request.clientMessageId });

describe('isTransient and retryDelay', () => {
  it('retries network errors, 429 and 5xx, not the contract\'s permanent refusals', () => {
    assert.ok(isTransient(apiError(0, 'network_error')));
    assert.ok(isTransient(apiError(429, 'rate_limited', 3)));
    assert.ok(isTransient(apiError(503, 'unavailable')));
    assert.ok(!isTransient(apiError(403, 'not_friends')));
    assert.ok(!isTransient(apiError(403, 'blocked')));
    assert.ok(!isTransient(apiError(400, 'validation_failed')));
    assert.equal(retryDelay(apiError(429, 'rate_limited', 3), 1), 3000);
    assert.ok(retryDelay(apiError(0, 'network_error'), 1) >= 800);
  });
});

describe('Outbox', () => {
  it('sends one at a time, in the order typed', async () => {
    const server = scriptedServer();
    const outbox = new Outbox({ send: server.send });
    const sent = [];
    outbox.addEventListener('sent', ({ detail }) => sent.push(detail.message.content));
    outbox.start();
    for (let i = 1; i <= 5; i += 1) {
      outbox.enqueue('bob', `m${i}`);
    }
    for (let i = 1; i <= 5; i += 1) {
      const call = await server.next();
      assert.ok(await server.idle(), 'only one send at a time');
      assert.equal(call.request.content, `m${i}`);
      call.resolve(stored(call.request, i));
    }
    assert.ok(await server.idle());
    assert.deepEqual(sent, ['m1', 'm2', 'm3', 'm4', 'm5']);
    assert.deepEqual(outbox.items, []);
  });

  it('keeps a message that met a transient refusal and retries it with the same id before the next', async () => {
    const server = scriptedServer();
    const outbox = new Outbox({ send: server.send, delay: () => 0 });
    outbox.start();
    outbox.enqueue('bob', 'first');
    outbox.enqueue('bob', 'second');
    const attempt1 = await server.next();
    attempt1.reject(apiError(0, 'network_error'));
    const attempt2 = await server.next();
    attempt2.reject(apiError(429, 'rate_limited', 1));
    const attempt3 = await server.next();
    attempt3.reject(apiError(503, 'unavailable'));
    const attempt4 = await server.next();
    assert.deepEqual([attempt2, attempt3, attempt4].map((call) => call.request.clientMessageId),
      Array(3).fill(attempt1.request.clientMessageId));
    assert.equal(attempt4.request.content, 'first');
    attempt4.resolve(stored(attempt4.request, 1));
    const next = await server.next();
    assert.equal(next.request.content, 'second');
    next.resolve(stored(next.request, 2));
    assert.ok(await server.idle());
  });

  it('waits the time a transient refusal asks for, and wake() cuts it short', async () => {
    const server = scriptedServer();
    const outbox = new Outbox({ send: server.send, delay: () => 60_000 });
    outbox.start();
    outbox.enqueue('bob', 'later');
    (await server.next()).reject(apiError(0, 'network_error'));
    assert.ok(await server.idle(), 'no retry before its time');
    assert.equal(outbox.items[0].state, 'waiting');
    assert.equal(outbox.items[0].error.code, 'network_error');
    outbox.wake();
    const retried = await server.next();
    assert.equal(retried.request.content, 'later');
    retried.resolve(stored(retried.request, 1));
    outbox.stop();
  });

  it('marks a permanent refusal failed with its reason, goes on with the next, and can retry or discard it', async () => {
    const server = scriptedServer();
    const outbox = new Outbox({ send: server.send });
    const failed = [];
    outbox.addEventListener('failed', ({ detail }) => failed.push(detail.error.code));
    outbox.start();
    outbox.enqueue('bob', 'refused');
    outbox.enqueue('carol', 'fine');
    (await server.next()).reject(apiError(403, 'not_friends'));
    const fine = await server.next();
    assert.equal(fine.request.content, 'fine');
    fine.resolve(stored(fine.request, 1));
    assert.ok(await server.idle());
    assert.deepEqual(failed, ['not_friends']);
    const [item] = outbox.items;
    assert.equal(item.state, 'failed');
    assert.equal(item.error.code, 'not_friends');

    outbox.retry(item.clientMessageId);
    const again = await server.next();
    assert.equal(again.request.clientMessageId, item.clientMessageId);
    again.reject(apiError(403, 'not_friends'));
    assert.ok(await server.idle());
    outbox.discard(item.clientMessageId);
    assert.deepEqual(outbox.items, []);
  });

  it('keeps the queue in storage per user, and a reload sends what was left', async () => {
    const storage = new MemoryStorage();
    const first = scriptedServer();
    const before = new Outbox({ send: first.send, storage, key: 'outbox.alice' });
    before.start();
    before.enqueue('bob', 'one');
    before.enqueue('bob', 'two');
    await first.next(); // cut short by the reload: never answered
    before.stop();
    assert.equal(JSON.parse(storage.getItem('outbox.alice')).length, 2);
    assert.equal(new Outbox({ send: first.send, storage, key: 'outbox.carol' }).items.length, 0);

    const second = scriptedServer();
    const after = new Outbox({ send: second.send, storage, key: 'outbox.alice' });
    assert.deepEqual(after.items.map((item) => [item.content, item.state]), [['one', 'queued'], ['two', 'queued']]);
    after.start();
    const one = await second.next();
    assert.equal(one.request.clientMessageId, first.calls[0].clientMessageId, 'the same id, so the server stores it once');
    one.resolve(stored(one.request, 1));
    const two = await second.next();
    two.resolve(stored(two.request, 2));
    assert.ok(await second.idle());
    assert.equal(storage.getItem('outbox.alice'), null);
  });

  it('keeps a message queued when the session ends, and sends nothing while stopped', async () => {
    const server = scriptedServer();
    const outbox = new Outbox({ send: server.send });
    outbox.start();
    outbox.enqueue('bob', 'hello');
    (await server.next()).reject(apiError(401, 'unauthorized'));
    assert.ok(await server.idle());
    assert.equal(outbox.items[0].state, 'queued');
    outbox.stop();
    outbox.enqueue('bob', 'more');
    assert.ok(await server.idle());
    outbox.start();
    const hello = await server.next();
    assert.equal(hello.request.content, 'hello');
  });
});
