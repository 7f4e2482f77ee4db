// Message text with its web addresses as links. Only http: and https: addresses become links,
// built as DOM nodes (never HTML from the message), opening in a new tab without a referrer or
// a handle on this page.
import { h } from './dom.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"»]+$/;

/** The text as an array of strings and <a> elements. */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let candidate = match[0];
    const trailing = candidate.match(TRAILING)?.[0] ?? '';
    candidate = candidate.slice(0, candidate.length - trailing.length);
    const href = safeHref(candidate);
    if (!href) {
      continue;
    }
    parts.push(text.slice(last, match.index));
    parts.push(h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'message-link' }, candidate));
    last = match.index + candidate.length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== '');
}

function safeHref(candidate) {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
