// DOM helpers. Everything the API says reaches the page as text nodes or attribute values set through the DOM, never
// as markup: a patient's name or a chat message that looks like HTML must stay words on the screen.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(element, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'text') element.textContent = value;
    else if (key === 'on') for (const [type, handler] of Object.entries(value)) element.addEventListener(type, handler);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    // Properties rather than attributes where the live state matters (a form control's value, checked).
    else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled' || key === 'hidden') element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** An HTML element: `h('button', {class: 'x', on: {click}}, 'Label')`. Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

/** An SVG element, in the SVG namespace so the browser draws it. */
export function s(tag, attrs, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null) continue;
    if (key === 'text') element.textContent = value;
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

/** Appends children to `parent`, skipping null, undefined and false (the DOM's own append would write "null"). */
export function add(parent, ...children) {
  append(parent, children);
  return parent;
}

/** Replaces `parent`'s children, skipping null, undefined and false. */
export function fill(parent, ...children) {
  parent.replaceChildren();
  return add(parent, ...children);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

/** A view's heading: focusable by script so a view change can move focus to it (screen readers then read it). */
export function heading(level, text, attrs = {}) {
  return h(`h${level}`, {tabindex: '-1', ...attrs}, text);
}

export function button(label, onClick, attrs = {}) {
  return h('button', {type: 'button', class: 'button', ...attrs, on: {click: onClick, ...(attrs.on ?? {})}}, label);
}

/** A link within the console (hash routes). */
export function link(href, label, attrs = {}) {
  return h('a', {href, ...attrs}, label);
}

const pending = new WeakMap();

/**
 * Runs `work` with `control` marked busy; a second click meanwhile gets the same answer rather than sending the
 * request twice. The control is marked aria-disabled rather than disabled: disabling the focused button would drop
 * keyboard focus to the page's start. (Buttons that are not in use, like a form's submit with nothing to submit, may
 * still be disabled.)
 */
export function busy(control, work) {
  if (pending.has(control)) return pending.get(control);
  control.setAttribute('aria-busy', 'true');
  control.setAttribute('aria-disabled', 'true');
  const promise = (async () => {
    try {
      return await work();
    } finally {
      pending.delete(control);
      control.removeAttribute('aria-busy');
      control.removeAttribute('aria-disabled');
    }
  })();
  pending.set(control, promise);
  return promise;
}

let fieldCounter = 0;

/**
 * A labelled form control. `type` is an input type, or 'select' (with `options` [[value, label]]) or 'textarea'.
 * The label is tied to the control with `for`, and a hint through aria-describedby.
 */
export function field({label, name, type = 'text', value, options, hint, required, attrs = {}, test, fieldPath}) {
  const id = `f-${name ?? 'field'}-${++fieldCounter}`;
  let control;
  if (type === 'select') {
    control = h('select', {id, name, required, ...attrs},
      (options ?? []).map(([optionValue, optionLabel]) => h('option', {value: optionValue}, optionLabel)));
    if (value !== undefined && value !== null) control.value = String(value);
  } else if (type === 'textarea') {
    control = h('textarea', {id, name, required, ...attrs});
    if (value !== undefined && value !== null) control.value = value;
  } else if (type === 'checkbox') {
    control = h('input', {id, name, type, ...attrs});
    control.checked = Boolean(value);
  } else {
    control = h('input', {id, name, type, required, ...attrs});
    if (value !== undefined && value !== null) control.value = value;
  }
  if (test) control.dataset.test = test;
  if (fieldPath) control.dataset.field = fieldPath;
  const describedBy = [];
  const parts = [];
  if (hint) {
    const hintId = `${id}-hint`;
    describedBy.push(hintId);
    parts.push(h('p', {class: 'hint', id: hintId}, hint));
  }
  if (describedBy.length) control.setAttribute('aria-describedby', describedBy.join(' '));
  const labelElement = h('label', {for: id}, label, required ? h('span', {class: 'required', 'aria-hidden': 'true'}, ' *') : null);
  const wrap = type === 'checkbox'
    ? h('div', {class: 'field checkbox'}, control, labelElement, parts)
    : h('div', {class: 'field'}, labelElement, control, parts);
  return {wrap, control};
}

/** Removes the error messages a form showed. */
export function clearErrors(container) {
  for (const element of container.querySelectorAll('.field-error, .form-error')) element.remove();
  for (const control of container.querySelectorAll('[aria-invalid="true"]')) {
    control.removeAttribute('aria-invalid');
    const describedBy = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.endsWith('-error'));
    if (describedBy.length) control.setAttribute('aria-describedby', describedBy.join(' '));
    else control.removeAttribute('aria-describedby');
  }
}

/** The control an API error's `field` names: by its JSON path (`data-field`) or its name. */
function controlFor(container, fieldName) {
  if (!fieldName) return null;
  for (const control of container.querySelectorAll('[data-field], [name]')) {
    if (control.dataset.field === fieldName || control.getAttribute('name') === fieldName) return control;
  }
  return null;
}

/**
 * Shows `error` where it belongs: next to the control its `field` names (marked invalid and described by the
 * message, then focused), otherwise at the top of `container`. Returns the element shown.
 */
export function showError(container, error, {focus = true, fallbackField} = {}) {
  clearErrors(container);
  const control = controlFor(container, error?.field) ?? controlFor(container, fallbackField?.(error?.field));
  // Beside its field the message needs no field name; at the top of the form it does.
  const message = errorText(error, {withField: !control});
  if (control) {
    const id = `${control.id || 'control'}-error`;
    const note = h('p', {class: 'field-error', id, role: 'alert'}, message);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    (control.closest('.field') ?? control).after(note);
    if (focus) control.focus();
    return note;
  }
  const note = h('p', {class: 'form-error', role: 'alert'}, message);
  container.prepend(note);
  return note;
}

/** A sentence for a person from an API error (or any error). */
export function errorText(error, {withField = true} = {}) {
  if (!error) return 'Something went wrong.';
  if (error.status === 0) return `The hub could not be reached: ${error.message}`;
  // The hub writes its messages as clauses ("the username or password is wrong"); shown alone they read as sentences.
  let message = error.message || 'Something went wrong.';
  message = message.charAt(0).toUpperCase() + message.slice(1);
  if (!/[.!?]$/.test(message)) message += '.';
  return withField && error.field && !message.includes(error.field) ? `${message} (${error.field})` : message;
}

/** An inline error paragraph, for a section that failed to load. */
export function errorBox(error) {
  return h('p', {class: 'form-error', role: 'alert'}, errorText(error));
}

/**
 * A table that turns into stacked cards on narrow screens: every cell carries its column's name (`data-label`),
 * which the stylesheet shows beside the value once the header row is hidden.
 */
export function table({caption, columns, rows, rowAttrs, empty = 'Nothing to show.', className}) {
  if (!rows.length) return h('p', {class: 'empty'}, empty);
  const head = h('thead', null, h('tr', null, columns.map((column) => h('th', {scope: 'col', class: column.className}, column.label))));
  const body = h('tbody', null, rows.map((row) => tableRow(columns, row, rowAttrs)));
  return h('div', {class: ['table-wrap', className]},
    h('table', {class: 'stack'}, caption ? h('caption', null, caption) : null, head, body));
}

export function tableRow(columns, row, rowAttrs) {
  return h('tr', rowAttrs?.(row), columns.map((column, index) => {
    const content = column.render(row);
    const attrs = {'data-label': column.label, class: column.className};
    return index === 0 && column.rowHeader !== false ? h('th', {scope: 'row', ...attrs}, content) : h('td', attrs, content);
  }));
}

/** Puts focus on the control in `owner` that plays the part `test` (its data-test), else on its first link or button. */
function refocus(owner, test) {
  let target = owner && test ? owner.querySelector(`[data-test="${CSS.escape(test)}"]`) : null;
  target ??= owner?.querySelector('a, button');
  target?.focus();
  return target ?? null;
}

/** Replaces `element` with `replacement`; focus that was inside moves to the same control in the replacement. */
export function replaceKeepingFocus(element, replacement) {
  const active = document.activeElement;
  const had = element.contains(active) && active !== element;
  element.replaceWith(replacement);
  if (had) refocus(replacement, active.dataset?.test ?? null);
  return replacement;
}

/**
 * Updates `container`'s children to one element per item, keyed, reusing nothing but keeping the keyboard where it
 * was: if focus was inside a replaced element, it moves to the same control (by `data-test`) in its replacement.
 * Live updates arrive while people work the list, so a re-render must not throw their focus to the top.
 */
export function reconcile(container, items, key, render) {
  const active = document.activeElement;
  const focusIndex = [...container.children].findIndex((child) => child.contains(active));
  const focusKey = focusIndex >= 0 ? container.children[focusIndex].dataset.key : null;
  const focusTest = focusIndex >= 0 ? active.dataset?.test ?? null : null;
  const elements = items.map((item) => {
    const element = render(item);
    element.dataset.key = String(key(item));
    return element;
  });
  container.replaceChildren(...elements);
  if (focusKey === null) return;
  const owner = elements.find((element) => element.dataset.key === focusKey);
  let target = owner ? refocus(owner, focusTest) : null;
  // The item went (a resolved alert leaves the open list): the next one takes the keyboard, or the section's heading.
  if (!owner) target = refocus(elements[focusIndex] ?? elements[focusIndex - 1], null);
  if (!target) {
    target = container.closest('section')?.querySelector('h2') ?? document.querySelector('main h1');
    if (target && !target.hasAttribute('tabindex')) target.tabIndex = -1;
    target?.focus();
  }
}

/**
 * `fn`, run once at the next animation frame however often it is asked for until then: live messages arriving many
 * a second (vitals, about one a second per patient) cost one redraw a frame, and none while the tab is hidden.
 */
export function batched(fn) {
  let frame = 0;
  const schedule = () => {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      fn();
    });
  };
  schedule.cancel = () => {
    cancelAnimationFrame(frame);
    frame = 0;
  };
  return schedule;
}

/**
 * A table like `table()` that stays in place while `update(rows)` redraws its rows (keyed by `key`, focus kept), for
 * lists a live message or a timer redraws. Shows `empty` instead while there are no rows.
 */
export function liveTable({caption, captionHidden = false, columns, rowAttrs, key, empty = 'Nothing to show.', className}) {
  const body = h('tbody');
  const wrap = h('div', {class: ['table-wrap', className]}, h('table', {class: 'stack'},
    caption ? h('caption', {class: captionHidden ? 'visually-hidden' : null}, caption) : null,
    h('thead', null, h('tr', null, columns.map((column) => h('th', {scope: 'col', class: column.className}, column.label)))), body));
  const none = h('p', {class: 'empty'}, empty);
  const element = h('div');
  return {
    element,
    /** Changes what is said when there are no rows (a filter's own words). */
    setEmpty(words) {
      if (none.textContent !== words) none.textContent = words;
    },
    update(rows) {
      if (!rows.length) {
        if (!element.contains(none)) element.replaceChildren(none);
        return;
      }
      if (!element.contains(wrap)) element.replaceChildren(wrap);
      reconcile(body, rows, key, (row) => tableRow(columns, row, rowAttrs));
    },
  };
}

/** A short-lived message near an action ("Acknowledged."), announced politely. */
export function flash(container, text, {kind = 'ok', timeout = 6000} = {}) {
  const note = h('p', {class: ['flash', kind], role: kind === 'error' ? 'alert' : 'status'}, text);
  container.prepend(note);
  if (timeout) setTimeout(() => note.remove(), timeout);
  return note;
}

/** A definition list from [term, value] pairs; values may be nodes. */
export function facts(pairs, className) {
  return h('dl', {class: ['facts', className]}, pairs.filter(Boolean).flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value ?? '—')]));
}
