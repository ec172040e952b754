// Confirmation and form dialogs on <dialog>: every action that changes something passes through one.
import { h, SIZE_UNITS } from './dom.js';

/**
 * Shows a modal form and resolves to its values by field name, or to null when cancelled.
 *
 * fields: [{ name, label, type: 'text' | 'textarea' | 'size' | 'select' | 'checkbox' | 'radio',
 *            value, options: [{ value, label }], required, placeholder, help }]
 * A 'size' field resolves to bytes; a 'checkbox' to a boolean.
 */
export function ask({ title, text, fields = [], confirm = 'OK', danger = false, id }) {
  return new Promise(resolve => {
    const inputs = fields.map(field => ({ field, control: control(field) }));
    const form = h('form', { method: 'dialog' },
      h('h2', {}, title),
      text ? h('p', { class: 'dialog-text' }, text) : null,
      inputs.map(({ field, control: element }) => row(field, element)),
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'secondary', value: 'cancel', onclick: () => finish(null) }, 'Cancel'),
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary', value: 'confirm' }, confirm)));
    const dialog = h('dialog', { class: 'ask', id }, form);
    let done = false;
    function finish(values) {
      if (done) {
        return;
      }
      done = true;
      dialog.close();
      dialog.remove();
      resolve(values);
    }
    form.addEventListener('submit', event => {
      event.preventDefault();
      finish(Object.fromEntries(inputs.map(({ field, control: element }) => [field.name, valueOf(field, element)])));
    });
    dialog.addEventListener('cancel', event => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = dialog.querySelector('input:not([type=hidden]), textarea, select');
    if (first) {
      first.focus();
    }
  });
}

/** A yes/no question about a destructive or state-changing action. */
export async function confirmAction(title, text, confirm, danger = false) {
  return (await ask({ title, text, confirm, danger, id: 'confirm-dialog' })) !== null;
}

function row(field, element) {
  if (field.type === 'checkbox') {
    return h('label', { class: 'field checkbox' }, element, ' ', field.label,
      field.help ? h('small', {}, field.help) : null);
  }
  if (field.type === 'radio') {
    return h('fieldset', { class: 'field' }, h('legend', {}, field.label), element);
  }
  return h('label', { class: 'field' }, h('span', {}, field.label), element,
    field.help ? h('small', {}, field.help) : null);
}

function control(field) {
  const name = field.name;
  switch (field.type) {
    case 'textarea':
      return h('textarea', { name, rows: 3, placeholder: field.placeholder }, field.value || '');
    case 'checkbox':
      return h('input', { type: 'checkbox', name, checked: Boolean(field.value) });
    case 'select':
      return h('select', { name }, field.options.map(option =>
        h('option', { value: option.value, selected: option.value === field.value }, option.label)));
    case 'radio':
      return h('div', { class: 'choices' }, field.options.map(option =>
        h('label', { class: 'choice' },
          h('input', { type: 'radio', name, value: option.value, checked: option.value === field.value }),
          ' ', option.label)));
    case 'size':
      return sizeControl(field);
    default:
      return h('input', { type: 'text', name, value: field.value || '', required: field.required,
                          placeholder: field.placeholder, autocomplete: 'off', spellcheck: 'false',
                          pattern: field.pattern });
  }
}

function sizeControl(field) {
  const [amount, unit] = split(field.value || 0);
  return h('span', { class: 'size' },
    h('input', { type: 'number', name: field.name, min: 0, step: 'any', value: amount, required: true }),
    h('select', { name: `${field.name}-unit` }, Object.keys(SIZE_UNITS).map(label =>
      h('option', { value: label, selected: label === unit }, label))));
}

/** 64 MiB -> [64, 'MiB']: the largest unit that shows the size without a fraction, MiB at least. */
function split(byteCount) {
  const labels = Object.keys(SIZE_UNITS);
  for (let i = labels.length - 1; i > 0; i--) {
    const multiple = SIZE_UNITS[labels[i]];
    if (byteCount >= multiple && byteCount % multiple === 0) {
      return [byteCount / multiple, labels[i]];
    }
  }
  return [Math.round((byteCount / SIZE_UNITS.MiB) * 100) / 100, 'MiB'];
}

function valueOf(field, element) {
  switch (field.type) {
    case 'checkbox':
      return element.checked;
    case 'radio': {
      const chosen = element.querySelector('input:checked');
      return chosen ? chosen.value : null;
    }
    case 'size': {
      const amount = Number(element.querySelector('input').value);
      const unit = element.querySelector('select').value;
      return Math.round(amount * SIZE_UNITS[unit]);
    }
    default:
      return element.value.trim();
  }
}
