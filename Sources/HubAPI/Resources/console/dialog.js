// Modal dialogs, and putting them all away when the person signs out.

import {h, busy, clearErrors, showError} from '/console/dom.js';

let dialogCounter = 0;

/** Where focus goes back to when a dialog closes: its opener, or the same control in what replaced the opener's item. */
function returnPoint(opener) {
  if (!opener || opener === document.body) return () => null;
  const item = opener.closest?.('[data-key]');
  const itemSelector = item ? `[data-key="${CSS.escape(item.dataset.key)}"]${item.dataset.test ? `[data-test="${CSS.escape(item.dataset.test)}"]` : ''}` : null;
  const test = opener.dataset?.test;
  return () => {
    if (document.contains(opener)) return opener;
    const again = itemSelector ? document.querySelector(itemSelector) : null;
    if (again) return (test && again.querySelector(`[data-test="${CSS.escape(test)}"]`)) || again.querySelector('a, button');
    return test ? document.querySelector(`main [data-test="${CSS.escape(test)}"]`) : null;
  };
}

const openDialogs = new Set();

/** Closes every open dialog without moving focus (signing out: what they asked about is gone). */
export function closeDialogs() {
  for (const close of [...openDialogs]) close();
}

/**
 * A modal dialog (native `<dialog>`: the page behind it is inert, so Tab stays inside, and Escape closes it).
 * `body` is a node or a function building it; `onConfirm` runs on submit and may throw an API error, which is shown
 * in the dialog next to its field. Resolves with onConfirm's result, or null when dismissed. Focus goes back to
 * what had it, or to the same control of the same item when a live redraw replaced it meanwhile.
 */
export function dialog({title, body, confirmLabel = 'Confirm', cancelLabel = 'Cancel', onConfirm, danger = false, describe}) {
  return new Promise((resolve) => {
    const opener = returnPoint(document.activeElement);
    const titleId = `dialog-title-${++dialogCounter}`;
    const content = typeof body === 'function' ? body() : body;
    const confirm = h('button', {type: 'submit', class: ['button', danger ? 'danger' : 'primary'], 'data-test': 'dialog-confirm'}, confirmLabel);
    const cancel = h('button', {type: 'button', class: 'button secondary', 'data-test': 'dialog-cancel'}, cancelLabel);
    const form = h('form', {class: 'dialog-form', novalidate: true}, content, h('div', {class: 'actions'}, onConfirm ? confirm : null, cancel));
    const element = h('dialog', {class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': describe ? `${titleId}-text` : null},
      h('h2', {id: titleId}, title), describe ? h('p', {id: `${titleId}-text`}, describe) : null, form);
    let result = null;
    cancel.addEventListener('click', () => element.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!onConfirm) return element.close();
      if (!form.reportValidity()) return;
      clearErrors(form);
      try {
        result = await busy(confirm, () => onConfirm(form));
        if (result === false) return; // the step asked to stay open (it showed something)
        element.close();
      } catch (error) {
        showError(form, error);
      }
    });
    let quiet = false;
    const dismiss = () => {
      quiet = true;
      result = null;
      element.close();
    };
    openDialogs.add(dismiss);
    element.addEventListener('close', () => {
      openDialogs.delete(dismiss);
      element.remove();
      if (!quiet) (opener() ?? document.querySelector('main h1'))?.focus();
      resolve(result);
    });
    document.body.append(element);
    element.showModal();
    const first = form.querySelector('input, select, textarea') ?? (onConfirm ? confirm : cancel);
    first.focus();
  });
}
