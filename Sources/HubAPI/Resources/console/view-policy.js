// The escalation policy (which priorities latch, how long an unacknowledged alert waits before the next tier, the
// longest snooze) and the on-call rota (who each tier beyond the care team reaches). Admins change both.

import {api, getAll} from '/console/api.js';
import {h, heading, field, busy, showError, clearErrors, errorBox, flash, button} from '/console/dom.js';
import {PRIORITY_WORDS, formatDuration} from '/console/format.js';
import {adminNav} from '/console/view-admin.js';
import {state} from '/console/store.js';

const PRIORITIES = ['high', 'medium', 'low'];

export async function renderPolicy(main) {
  main.append(heading(1, 'Escalation policy'), adminNav('policy'),
    h('p', {class: 'muted'}, 'A new policy governs alerts raised from now on. High-priority alerts must latch, escalate within an hour and be snoozed for at most an hour.'));
  let policy;
  try {
    policy = await api.get('/api/v1/alert-policy');
  } catch (error) {
    main.append(errorBox(error));
    return;
  }
  const latch = PRIORITIES.map((priority) => field({label: `${PRIORITY_WORDS[priority]} alerts latch (stay open until resolved)`, name: `latchingPriorities.${priority}`,
    type: 'checkbox', value: policy.latchingPriorities.includes(priority)}));
  const delays = PRIORITIES.map((priority) => field({label: `${PRIORITY_WORDS[priority]}: escalate after (seconds)`, name: `escalationDelaySeconds.${priority}`, type: 'number',
    value: policy.escalationDelaySeconds[priority] ?? '', fieldPath: `escalationDelaySeconds.${priority}`, attrs: {min: 30, max: 86400},
    hint: policy.escalationDelaySeconds[priority] ? `Now ${formatDuration(policy.escalationDelaySeconds[priority])}. Empty: never escalates.` : 'Empty: never escalates.'}));
  const snoozes = PRIORITIES.map((priority) => field({label: `${PRIORITY_WORDS[priority]}: longest snooze (seconds)`, name: `longestSnoozeSeconds.${priority}`, type: 'number',
    value: policy.longestSnoozeSeconds[priority] ?? '', fieldPath: `longestSnoozeSeconds.${priority}`, attrs: {min: 60, max: 86400},
    hint: policy.longestSnoozeSeconds[priority] ? `Now ${formatDuration(policy.longestSnoozeSeconds[priority])}.` : ''}));
  const tiers = field({label: 'Highest escalation tier', name: 'highestTier', type: 'number', value: policy.highestTier, attrs: {min: 0, max: 5},
    hint: 'Tier 0 is the care team; tiers 1 and up the on-call rota; after the rota’s last tier, the admins.'});
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'save-policy'}, 'Save policy');
  const form = h('form', {class: 'card form-grid', novalidate: true},
    h('fieldset', null, h('legend', null, 'Latching'), latch.map((item) => item.wrap)),
    h('fieldset', null, h('legend', null, 'Escalation'), delays.map((item) => item.wrap), tiers.wrap),
    h('fieldset', null, h('legend', null, 'Snoozing'), snoozes.map((item) => item.wrap)),
    h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      latchingPriorities: PRIORITIES.filter((_, index) => latch[index].control.checked),
      escalationDelaySeconds: Object.fromEntries(PRIORITIES.map((priority, index) => [priority, delays[index].control.value]).filter(([, value]) => value !== '').map(([key, value]) => [key, Number(value)])),
      highestTier: Number(tiers.control.value),
      longestSnoozeSeconds: Object.fromEntries(PRIORITIES.map((priority, index) => [priority, snoozes[index].control.value]).filter(([, value]) => value !== '').map(([key, value]) => [key, Number(value)])),
    };
    try {
      await busy(save, () => api.put('/api/v1/alert-policy', body));
      state.policy = null;
      flash(form, 'Saved. Alerts raised from now on follow this policy.');
    } catch (error) {
      showError(form, error);
    }
  });
  main.append(form);
}

export async function renderOnCall(main) {
  main.append(heading(1, 'On-call rota'), adminNav('on-call'),
    h('p', {class: 'muted'}, 'An unacknowledged alert reaches the care team first (tier 0), then each tier below in turn, then the admins. Up to 5 tiers of active caregivers or admins.'));
  let rota;
  let people;
  try {
    [rota, people] = await Promise.all([api.get('/api/v1/on-call'), getAll('/api/v1/accounts')]);
  } catch (error) {
    main.append(errorBox(error));
    return;
  }
  people = people.filter((person) => person.active && (person.role === 'caregiver' || person.role === 'admin'));
  const tiers = rota.tiers.map((tier) => [...tier]);
  const box = h('div');
  const form = h('form', {class: 'card', novalidate: true}, box);
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'save-on-call'}, 'Save rota');
  const addTier = button('Add a tier', () => { tiers.push([]); draw(); box.querySelector('fieldset:last-of-type input')?.focus(); }, {class: 'button secondary'});
  form.append(h('div', {class: 'actions'}, addTier, save));

  function draw() {
    addTier.disabled = tiers.length >= 5;
    box.replaceChildren(...(tiers.length ? tiers.map((tier, index) => h('fieldset', {class: 'tier', 'data-field': `tiers[${index}]`},
      h('legend', null, `Tier ${index + 1}`),
      h('div', {class: 'checkbox-grid'}, people.map((person) => {
        const item = field({label: `${person.displayName}${person.title ? ` (${person.title})` : ''}${person.role === 'admin' ? ' (admin)' : ''}`,
          name: `tier-${index}-${person.id}`, type: 'checkbox', value: tier.includes(person.id)});
        item.control.addEventListener('change', () => {
          const set = new Set(tiers[index]);
          if (item.control.checked) set.add(person.id);
          else set.delete(person.id);
          tiers[index] = [...set];
        });
        return item.wrap;
      })),
      button(`Remove tier ${index + 1}`, () => { tiers.splice(index, 1); draw(); addTier.focus(); }, {class: 'button link small'})))
      : [h('p', {class: 'empty'}, 'No tiers: escalations go from the care team straight to the admins.')]));
  }
  draw();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const stored = await busy(save, () => api.put('/api/v1/on-call', {tiers}));
      tiers.splice(0, tiers.length, ...stored.tiers.map((tier) => [...tier]));
      draw();
      flash(form, 'Saved.');
    } catch (error) {
      showError(form, error);
    }
  });
  main.append(form);
}
