// Builds DOM nodes from plain data. Text always goes in as text nodes: there is no path from
// user data to innerHTML anywhere in the client.

/**
 * h('button', { class: 'x', onclick: fn, 'aria-label': 'Close' }, 'text', childNode, [more])
 * Attributes starting with "on" become listeners; `hidden`/`disabled`-style booleans are set
 * when true and left out when false; null/undefined/false children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.append(child);
    } else {
      parent.append(document.createTextNode(String(child)));
    }
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** A small unique id for label/aria wiring. */
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled input: returns { field, input }. */
export function labelled(labelText, inputAttributes, hint) {
  const id = uid('field');
  const hintId = hint ? `${id}-hint` : null;
  const input = h(inputAttributes.tag ?? 'input', { ...inputAttributes, tag: null, id, 'aria-describedby': hintId });
  const field = h('div', { class: 'field' },
    h('label', { for: id }, labelText),
    input,
    hint ? h('small', { id: hintId, class: 'hint' }, hint) : null);
  return { field, input };
}

/** Local time for today, otherwise a short date and time. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The full local date and time, for a tooltip. */
export function formatFullTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' });
}

/** The name to show for a user: display name, falling back to the username. */
export function nameOf(user) {
  return user?.displayName || user?.username || 'Unknown user';
}
