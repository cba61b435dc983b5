// Registering a device under its gateway before its first reading (technicians and admins), so it can be assigned
// to a patient before it is switched on. A device the hub already knows is refused beside its id.

import {api} from '/console/api.js';
import {h, field, busy, showError, clearErrors, flash, link} from '/console/dom.js';

const IDENTIFIER = /^[A-Za-z0-9._-]{1,64}$/;

/** The section with the form; `gatewayIds` are offered as suggestions, `onRegistered(device)` follows a success. */
export function registerSection(gatewayIds, onRegistered) {
  const hint = '1 to 64 letters, digits, “.”, “_” or “-”.';
  const deviceId = field({label: 'Device id', name: 'deviceId', required: true, test: 'register-device-id', hint,
    attrs: {maxlength: 64, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false'}});
  const gatewayId = field({label: 'Gateway id', name: 'gatewayId', required: true, test: 'register-gateway-id',
    hint: `The home gateway it talks through; a new one is added. ${hint}`,
    attrs: {maxlength: 64, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', list: 'known-gateways'}});
  const known = h('datalist', {id: 'known-gateways'}, gatewayIds.map((id) => h('option', {value: id})));
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'register-device'}, 'Register device');
  const form = h('form', {class: 'card form-grid', novalidate: true}, deviceId.wrap, gatewayId.wrap, known, h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {deviceId: deviceId.control.value.trim(), gatewayId: gatewayId.control.value.trim()};
    for (const [name, words] of [['deviceId', 'the device’s id'], ['gatewayId', 'the gateway’s id']]) {
      if (!body[name]) return showError(form, {message: `Enter ${words}.`, field: name});
      if (!IDENTIFIER.test(body[name])) return showError(form, {message: `Use ${hint.charAt(0).toLowerCase()}${hint.slice(1)}`, field: name});
    }
    try {
      const device = await busy(save, () => api.post('/api/v1/devices', body));
      form.reset();
      flash(form, ['Device ', link(`#/devices/${encodeURIComponent(device.id)}`, device.id), ` registered under gateway ${device.gatewayId}. Assign it to a patient on its page.`],
        {timeout: 15_000});
      onRegistered(device);
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', {'aria-labelledby': 'register-title'}, h('h2', {id: 'register-title'}, 'Register a device'),
    h('p', {class: 'muted'}, 'Add a device before its first reading, so it can be assigned to a patient before it is switched on.'), form);
}
