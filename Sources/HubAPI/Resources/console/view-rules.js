// A patient's alert rules (admins and the care team): the rules in force, a per-rule band editor that stores only
// what differs as overrides, a JSON editor for everything else, and the hub's 422s shown next to the fields they
// name (`rules[spo2-low].bands[high].limit`).

import {api} from '/console/api.js';
import {h, heading, busy, errorBox, clearErrors, flash, link, fill} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {vitalName, VITALS, formatDuration, PRIORITY_WORDS} from '/console/format.js';
import {patientName} from '/console/store.js';

const PRIORITIES = ['low', 'medium', 'high'];

/**
 * Shows each problem of a rules 422 beside its field. The hub puts the first problem's path in `field` and every
 * problem in the message ("path: message; path: message"); `overrides[i]` paths are mapped to the rule they were
 * about. Returns whether every problem found a field.
 */
function showRuleErrors(container, error, sentIds = []) {
  clearErrors(container);
  const issues = [];
  const pattern = /(?:^|; )((?:rules|overrides)\[[^\]]*\][^:\s]*): /g;
  const starts = [...(error.message ?? '').matchAll(pattern)];
  starts.forEach((match, index) => {
    const end = index + 1 < starts.length ? starts[index + 1].index : error.message.length;
    issues.push({path: match[1], message: error.message.slice(match.index + match[0].length, end)});
  });
  if (!issues.length) issues.push({path: error.field, message: error.message});
  let placedAll = true;
  let first = null;
  for (const issue of issues) {
    const path = (issue.path ?? '').replace(/^overrides\[(\d+)\]/, (whole, index) => (sentIds[index] ? `rules[${sentIds[index]}]` : whole));
    const control = [...container.querySelectorAll('[data-field]')].find((candidate) => candidate.dataset.field === path);
    if (!control) {
      placedAll = false;
      continue;
    }
    const id = `${control.id}-error`;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    (control.closest('.band-cell') ?? control).after(h('p', {class: 'field-error', id}, issue.message));
    first ??= control;
  }
  if (!placedAll || !first) container.prepend(h('p', {class: 'form-error', role: 'alert'}, `The rules were not saved: ${error.message}`));
  else container.prepend(h('p', {class: 'form-error', role: 'alert'}, `The rules were not saved: ${issues.length} problem${issues.length > 1 ? 's' : ''}, shown next to the fields.`));
  first?.focus();
}

function numberInput(id, value, path, label, attrs = {}) {
  return h('span', {class: 'cell-field'},
    h('label', {for: id, class: 'visually-hidden'}, label),
    h('input', {id, type: 'number', step: 'any', inputmode: 'decimal', value: value ?? '', 'data-field': path, ...attrs}));
}

export async function render(main, {params}) {
  const patientId = Number(params.id);
  main.append(heading(1, `Alert rules: ${patientName(patientId)}`),
    h('p', null, link(`#/patients/${patientId}`, '← Back to the patient')),
    h('p', {class: 'muted'}, 'Each rule watches one vital in one direction, with up to one limit per priority, sustained for a time before it alerts. ' +
      'Changes apply to this patient at once. Only what differs from the hub’s defaults is stored, as overrides.'));
  const box = h('div');
  main.append(box);

  async function load(answer) {
    let data = answer;
    try {
      data ??= await api.get(`/api/v1/patients/${patientId}/rules`);
    } catch (error) {
      box.replaceChildren(errorBox(error));
      return;
    }
    draw(data);
  }

  function draw(data) {
    const rules = data.rules?.rules ?? [];
    const overrides = data.overrides?.overrides ?? [];
    const overridden = new Set(overrides.map((item) => item.id));
    const rows = rules.map((rule) => {
      const unit = VITALS[rule.vital]?.symbol ?? '';
      const cells = PRIORITIES.map((priority) => {
        const band = rule.bands?.find((item) => item.priority === priority);
        const base = `rules[${rule.id}].bands[${priority}]`;
        return h('td', {'data-label': PRIORITY_WORDS[priority]}, h('div', {class: 'band-cell'},
          numberInput(`r-${rule.id}-${priority}-limit`, band?.limit, `${base}.limit`, `${rule.id}: ${priority}-priority limit (${unit})`, {class: 'limit'}),
          h('span', {class: 'unit', 'aria-hidden': 'true'}, unit),
          numberInput(`r-${rule.id}-${priority}-sustain`, band ? band.sustainSeconds ?? 0 : '', `${base}.sustain`, `${rule.id}: ${priority}-priority sustain time (seconds)`, {class: 'sustain', min: 0}),
          h('span', {class: 'unit', 'aria-hidden': 'true'}, 's sustained')));
      });
      const enabledId = `r-${rule.id}-enabled`;
      return h('tr', {'data-rule-id': rule.id, 'data-test': 'rule'},
        h('th', {scope: 'row', 'data-label': 'Rule'}, h('span', {class: 'mono'}, rule.id), h('br'),
          h('small', null, `${vitalName(rule.vital)} ${rule.direction === 'below' ? 'below' : 'above'} the limit`),
          overridden.has(rule.id) ? h('small', {class: 'tag'}, 'changed for this patient') : null),
        h('td', {'data-label': 'On'}, h('input', {type: 'checkbox', id: enabledId, checked: rule.enabled !== false, 'data-field': `rules[${rule.id}].enabled`}),
          h('label', {for: enabledId, class: 'visually-hidden'}, `${rule.id} enabled`)),
        cells,
        h('td', {'data-label': 'Hysteresis'}, numberInput(`r-${rule.id}-hysteresis`, rule.hysteresis ?? 0, `rules[${rule.id}].hysteresis`, `${rule.id}: hysteresis (${unit})`, {min: 0, class: 'hysteresis'})));
    });

    const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'save-rules'}, 'Save changes');
    const reset = h('button', {type: 'button', class: 'button secondary', 'data-test': 'reset-rules', disabled: !overrides.length}, 'Reset to the defaults…');
    const form = h('form', {class: 'rules-form', novalidate: true},
      h('div', {class: 'table-wrap'}, h('table', {class: 'stack rules-table'},
        h('caption', null, 'Rules in force. An empty limit means no band of that priority; sustain is how long the value must stay past the limit.'),
        h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'Rule'), h('th', {scope: 'col'}, 'On'),
          PRIORITIES.map((priority) => h('th', {scope: 'col'}, `${PRIORITY_WORDS[priority]} limit`)), h('th', {scope: 'col'}, 'Hysteresis'))),
        h('tbody', null, rows))),
      h('div', {class: 'actions'}, save, reset));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const byId = new Map(overrides.map((item) => [item.id, {...item}]));
      for (const rule of rules) {
        const row = form.querySelector(`tr[data-rule-id="${CSS.escape(rule.id)}"]`);
        const bands = [];
        for (const priority of PRIORITIES) {
          const limit = row.querySelector(`[data-field="rules[${rule.id}].bands[${priority}].limit"]`).value;
          const sustain = row.querySelector(`[data-field="rules[${rule.id}].bands[${priority}].sustain"]`).value;
          if (limit !== '') bands.push({priority, limit: Number(limit), sustainSeconds: Number(sustain || 0)});
        }
        const enabled = row.querySelector(`[data-field="rules[${rule.id}].enabled"]`).checked;
        const hysteresisText = row.querySelector(`[data-field="rules[${rule.id}].hysteresis"]`).value;
        const hysteresis = hysteresisText === '' ? 0 : Number(hysteresisText);
        const before = JSON.stringify((rule.bands ?? []).map((band) => ({priority: band.priority, limit: band.limit, sustainSeconds: band.sustainSeconds ?? 0}))
          .sort((a, b) => PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority)));
        const changedBands = JSON.stringify(bands) !== before;
        const changedEnabled = enabled !== (rule.enabled !== false);
        const changedHysteresis = hysteresis !== (rule.hysteresis ?? 0);
        if (!changedBands && !changedEnabled && !changedHysteresis) continue;
        const override = byId.get(rule.id) ?? {id: rule.id};
        if (changedBands) override.bands = bands;
        if (changedEnabled) override.enabled = enabled;
        if (changedHysteresis) override.hysteresis = hysteresis;
        byId.set(rule.id, override);
      }
      const list = [...byId.values()];
      try {
        const answer = await busy(save, () => api.put(`/api/v1/patients/${patientId}/rules`, {overrides: list}));
        draw(answer);
        flash(box, 'Saved. The patient’s alerting uses these rules from now on.');
      } catch (error) {
        showRuleErrors(form, error, list.map((item) => item.id));
      }
    });

    reset.addEventListener('click', async () => {
      const answer = await dialog({title: 'Reset to the default rules?', describe: 'Every change made for this patient is removed; the hub’s defaults apply at once.',
        body: h('div'), confirmLabel: 'Reset', danger: true, onConfirm: () => api.delete(`/api/v1/patients/${patientId}/rules`)});
      if (answer) {
        draw(answer);
        flash(box, 'The default rules apply again.');
      }
    });

    fill(box, form, jsonEditor(overrides, (answer) => {
      draw(answer);
      flash(box, 'Saved.');
    }), rateSummary(rules));
  }

  function jsonEditor(overrides, onSaved) {
    const area = h('textarea', {id: 'rules-json', rows: 12, class: 'mono', spellcheck: 'false', 'data-test': 'rules-json', 'data-field': 'overrides',
      'aria-describedby': 'rules-json-hint'});
    area.value = JSON.stringify({overrides}, null, 2);
    const save = h('button', {type: 'submit', class: 'button secondary', 'data-test': 'save-rules-json'}, 'Save JSON');
    const form = h('form', {class: 'json-form', novalidate: true},
      h('div', {class: 'field'}, h('label', {for: 'rules-json'}, 'Overrides as JSON'),
        h('p', {class: 'hint', id: 'rules-json-hint'}, 'The rules file’s form: {"overrides": [{"id": "spo2-low", "bands": [...]}]}. ' +
          'An unknown id adds a rule (vital, direction and bands required); "enabled": false turns one off; "rateOfChange": null removes it.'),
        area),
      h('div', {class: 'actions'}, save));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      let document;
      try {
        document = JSON.parse(area.value);
      } catch (error) {
        showRuleErrors(form, {field: 'overrides', message: `This is not valid JSON: ${error.message}`});
        return;
      }
      try {
        onSaved(await busy(save, () => api.put(`/api/v1/patients/${patientId}/rules`, document)));
      } catch (error) {
        // Paths inside the JSON have no field of their own: the whole message goes beside the text.
        clearErrors(form);
        const id = 'rules-json-error';
        area.setAttribute('aria-invalid', 'true');
        area.setAttribute('aria-describedby', `rules-json-hint ${id}`);
        area.after(h('p', {class: 'field-error', id, role: 'alert'}, `${error.field && !error.message.includes(error.field) ? `${error.field}: ` : ''}${error.message}`));
        area.focus();
      }
    });
    return h('details', {class: 'card'}, h('summary', null, 'Edit the overrides as JSON (rate of change, clear-after time, new rules)'), form);
  }

  function rateSummary(rules) {
    const withRate = rules.filter((rule) => rule.rateOfChange);
    if (!withRate.length) return null;
    return h('p', {class: 'muted'}, 'Rate-of-change bands: ', withRate.map((rule) =>
      `${rule.id}: ${PRIORITY_WORDS[rule.rateOfChange.priority].toLowerCase()} on a change of ${rule.rateOfChange.change} ${VITALS[rule.vital]?.symbol ?? ''} within ${formatDuration(rule.rateOfChange.windowSeconds)}`).join('; '), '.');
  }

  await load();
}
