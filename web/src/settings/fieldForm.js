// One settings form's fields and its messages: each problem is shown once, beside its field when
// the server names one (validation_failed's `errors`), in the form's banner otherwise; success
// goes in a status line.
import { h, labelled } from '../ui/dom.js';
import { errorBox } from '../ui/errorBox.js';

export function fieldForm() {
  const banner = errorBox();
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const fields = new Map();

  const field = (name, label, attributes, hint) => {
    const { field: wrapper, input } = labelled(label, { name, ...attributes }, hint);
    const message = h('small', { class: 'field-error', id: `${input.id}-error`, hidden: true });
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), message.id].filter(Boolean).join(' '));
    wrapper.append(message);
    fields.set(name, { input, message });
    return { wrapper, input };
  };

  const clear = () => {
    banner.clear();
    status.hidden = true;
    status.textContent = '';
    for (const { input, message } of fields.values()) {
      input.removeAttribute('aria-invalid');
      message.hidden = true;
      message.textContent = '';
    }
  };

  /** Shows a failure: { field: [problems] } beside the fields, anything else in the banner. */
  const fail = (error, fieldProblems = error?.errors ?? {}) => {
    const unplaced = [];
    for (const [name, problems] of Object.entries(fieldProblems ?? {})) {
      const target = fields.get(name);
      if (target) {
        target.input.setAttribute('aria-invalid', 'true');
        target.message.hidden = false;
        target.message.textContent = [].concat(problems).join(' ');
      } else {
        unplaced.push(name);
      }
    }
    if (Object.keys(fieldProblems ?? {}).length === 0 || unplaced.length > 0) {
      banner.show(error);
    }
  };

  const succeed = (text) => {
    status.textContent = text;
    status.hidden = false;
  };

  return { field, clear, fail, succeed, banner: banner.element, status };
}
