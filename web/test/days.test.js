import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayKey, dayLabel, daySeparators } from '../src/chat/days.js';

// A fixed clock: Monday 30 November 2026, 08:15 UTC.
const NOW = new Date('2026-11-30T08:15:00Z');
const UTC = { locale: 'en-US', timeZone: 'UTC' };

describe('dayLabel', () => {
  it('says Today for any time of the same day', () => {
    assert.equal(dayLabel(new Date('2026-11-30T00:00:00Z'), NOW, UTC), 'Today');
    assert.equal(dayLabel(new Date('2026-11-30T23:59:59Z'), NOW, UTC), 'Today');
  });

  it('says Yesterday for the calendar day before, not just 24 hours back', () => {
    assert.equal(dayLabel(new Date('2026-11-29T23:59:59Z'), NOW, UTC), 'Yesterday');
    assert.equal(dayLabel(new Date('2026-11-29T00:00:00Z'), NOW, UTC), 'Yesterday');
    assert.equal(dayLabel(new Date('2026-11-28T23:59:59Z'), NOW, UTC), 'Saturday, November 28');
  });

  it('counts days across a month and a year boundary', () => {
    assert.equal(dayLabel(new Date('2026-11-30T10:00:00Z'), new Date('2026-12-01T01:00:00Z'), UTC), 'Yesterday');
    assert.equal(dayLabel(new Date('2026-12-31T10:00:00Z'), new Date('2027-01-01T01:00:00Z'), UTC), 'Yesterday');
    assert.equal(dayLabel(new Date('2024-02-29T10:00:00Z'), new Date('2024-03-01T01:00:00Z'), UTC), 'Yesterday');
    assert.equal(dayLabel(new Date('2026-02-28T10:00:00Z'), new Date('2026-03-01T01:00:00Z'), UTC), 'Yesterday');
  });

  it('adds the year only for another year', () => {
    assert.equal(dayLabel(new Date('2026-01-02T12:00:00Z'), NOW, UTC), 'Friday, January 2');
    assert.equal(dayLabel(new Date('2025-12-24T12:00:00Z'), NOW, UTC), 'Wednesday, December 24, 2025');
  });

  it('speaks the reader\'s language', () => {
    assert.equal(dayLabel(new Date('2026-11-25T12:00:00Z'), NOW, { locale: 'de-DE', timeZone: 'UTC' }), 'Mittwoch, 25. November');
    assert.equal(dayLabel(new Date('2026-11-25T12:00:00Z'), NOW, { locale: 'fr-FR', timeZone: 'UTC' }), 'mercredi 25 novembre');
  });

  it('uses the reader\'s time zone for where a day starts', () => {
    // 22:30 UTC on the 29th is already the 30th in Tokyo, and still the 29th in New York.
    const late = new Date('2026-11-29T22:30:00Z');
    assert.equal(dayLabel(late, NOW, { locale: 'en-US', timeZone: 'Asia/Tokyo' }), 'Today');
    assert.equal(dayLabel(late, NOW, { locale: 'en-US', timeZone: 'America/New_York' }), 'Yesterday');
    assert.equal(dayKey(late, 'Asia/Tokyo'), '2026-11-30');
  });
});

describe('daySeparators', () => {
  it('puts one before the first message and one before each new day', () => {
    const messages = [
      { createdAt: '2026-11-27T09:00:00Z' },
      { createdAt: '2026-11-27T18:00:00Z' },
      { createdAt: '2026-11-29T21:00:00Z' },
      { createdAt: '2026-11-30T07:00:00Z' },
      { createdAt: '2026-11-30T08:00:00Z' },
    ];
    assert.deepEqual(daySeparators(messages, NOW, UTC), [
      { index: 0, key: '2026-11-27', label: 'Friday, November 27' },
      { index: 2, key: '2026-11-29', label: 'Yesterday' },
      { index: 3, key: '2026-11-30', label: 'Today' },
    ]);
  });

  it('has none for no messages and skips a message without a valid time', () => {
    assert.deepEqual(daySeparators([], NOW, UTC), []);
    assert.deepEqual(daySeparators([{ createdAt: 'nonsense' }, { createdAt: '2026-11-30T07:00:00Z' }], NOW, UTC),
      [{ index: 1, key: '2026-11-30', label: 'Today' }]);
  });
});
