// Exponential backoff with jitter: 0 s, then about 1, 2, 4, 8 s, capped at 10 s, forever.
// The cap keeps a page that lost the server (a restart, a network blip) back within seconds.

export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 10000;

export function backoffDelay(attempt, random = Math.random) {
  if (attempt <= 0) {
    return 0;
  }
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
  const jitter = 0.8 + (random() * 0.4);
  return Math.round(Math.min(MAX_DELAY_MS, base * jitter));
}
