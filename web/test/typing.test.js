import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typingThrottle } from '../src/chat/typing.js';

describe('typingThrottle', () => {
  it('sends on the first keystroke, then at most once per interval', () => {
    let clock = 1_000;
    let sent = 0;
    const typed = typingThrottle(() => { sent += 1; }, { interval: 2500, now: () => clock });
    typed();
    assert.equal(sent, 1);
    clock += 1000;
    typed();
    clock += 1500;
    typed();
    assert.equal(sent, 1, 'exactly 2.5 s later is still within the interval');
    clock += 1;
    typed();
    assert.equal(sent, 2);
  });
});
