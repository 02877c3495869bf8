// The demo page's modal: the view a person has open, drawn on top, submitted through the app's real
// view_submission, with Slack's field errors shown under their inputs.

import { block, h, input, stateValue } from './block-kit.js';

let modalJson = '';

/** Draws the open modal of whoever has one (one person's screen at a time), or hides it. */
export function drawModal(people, request) {
  const person = people.find((p) => p.modal);
  const json = JSON.stringify(person ? [person.id, person.modal] : null);
  if (json === modalJson) return;
  modalJson = json;
  const backdrop = document.getElementById('modal');
  if (!person) {
    backdrop.hidden = true;
    backdrop.replaceChildren();
    return;
  }
  const { id, view } = person.modal;
  const where = { user: () => person.id, viewId: id };
  const body = h(
    'div',
    { class: 'body' },
    (view.blocks || []).map((b) => (b.type === 'input' ? input(b) : block(b, where))),
  );
  const close = () => request('/act', { kind: 'close', user: person.id, viewId: id });
  const submit = async () => {
    const values = {};
    for (const control of body.querySelectorAll('[data-kind]')) {
      values[control.dataset.blockId] = { [control.dataset.actionId]: stateValue(control) };
    }
    const answer = await request('/act', { kind: 'submit', user: person.id, viewId: id, values });
    // Slack replaces the whole set of field errors with each answer: a field fixed loses its error.
    for (const slot of body.querySelectorAll('[data-error-for]')) slot.textContent = '';
    for (const [blockId, message] of Object.entries(answer?.errors || {})) {
      const slot = body.querySelector(`[data-error-for="${CSS.escape(blockId)}"]`);
      if (slot) slot.textContent = message;
    }
  };
  const dialog = h(
    'div',
    { class: 'modal', role: 'dialog', 'aria-label': view.title?.text },
    h('h3', {}, view.title?.text, h('span', { class: 'who' }, ` · ${person.name}'s screen`)),
    body,
    h(
      'footer',
      {},
      h('button', { type: 'button', class: 'btn', onclick: close }, view.close?.text || 'Cancel'),
      view.submit && h('button', { type: 'button', class: 'btn primary', onclick: submit }, view.submit.text),
    ),
  );
  backdrop.replaceChildren(dialog);
  backdrop.hidden = false;
}
