// Day separators for a chat's timeline, no DOM: "Today", "Yesterday", then the date in the
// reader's language. The clock is passed in (`now`), so the labels can be tested on any day.

/** The calendar day of `date` in `timeZone` (the reader's when undefined), as "YYYY-MM-DD". */
export function dayKey(date, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** The day before the day `key` ("YYYY-MM-DD"), by the calendar (not 24 hours back). */
function dayBefore(key) {
  const [year, month, day] = key.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

/**
 * "Today", "Yesterday", or the date (weekday, month and day; the year too when it is not this
 * year) for a message sent at `date`, seen at `now`.
 */
export function dayLabel(date, now, { locale, timeZone } = {}) {
  const key = dayKey(date, timeZone);
  const today = dayKey(now, timeZone);
  if (key === today) {
    return 'Today';
  }
  if (key === dayBefore(today)) {
    return 'Yesterday';
  }
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: key.slice(0, 4) === today.slice(0, 4) ? undefined : 'numeric',
  }).format(date);
}

/**
 * Where separators go in messages ordered by time: before the first one and before each one
 * sent on another day than the one before it. Returns `{ index, key, label }` for each.
 */
export function daySeparators(messages, now, options = {}) {
  const separators = [];
  let previous = null;
  messages.forEach((message, index) => {
    const date = new Date(message.createdAt);
    if (Number.isNaN(date.getTime())) {
      return;
    }
    const key = dayKey(date, options.timeZone);
    if (key !== previous) {
      separators.push({ index, key, label: dayLabel(date, now, options) });
      previous = key;
    }
  });
  return separators;
}
