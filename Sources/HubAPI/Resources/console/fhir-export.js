// A patient's vitals as a FHIR R4 Bundle (admins), saved as a .json file. One Bundle holds at most 5,000 readings;
// a longer period continues in further parts, each saved on request, as the Bundle's `next` link says.

import {fetchFile} from '/console/api.js';
import {h, field, button, busy, showError, clearErrors, fill} from '/console/dom.js';
import {saveBlob, localDate} from '/console/report-tools.js';

const PERIODS = [['1', 'The last 24 hours'], ['7', 'The last 7 days'], ['30', 'The last 30 days'], ['90', 'The last 90 days']];
const LIMIT = 5000;

export function fhirSection(id) {
  const period = field({label: 'Readings from', name: 'period', type: 'select', options: PERIODS, value: '1', test: 'fhir-period'});
  const status = h('div', {role: 'status'});
  const form = h('form', {class: 'card', novalidate: true},
    h('div', {class: 'inline-form'}, period.wrap, h('button', {type: 'submit', class: 'button primary', 'data-test': 'export-fhir'}, 'Download FHIR export')),
    status);

  /** Saves one Bundle and, when it says more follow, offers the next part. */
  async function savePart(control, path, query, name, part) {
    const blob = await busy(control, () => fetchFile(path, query));
    const fileName = `${name}${part > 1 ? `-part-${part}` : ''}.json`;
    saveBlob(blob, fileName);
    let next = null;
    try {
      next = JSON.parse(await blob.text()).link?.find((item) => item.relation === 'next')?.url ?? null;
    } catch {
      // Saved as the hub sent it; a Bundle that does not parse has no next part to offer.
    }
    const more = next ? button(`Download part ${part + 1}`, (event) => savePart(event.currentTarget, next, undefined, name, part + 1).catch((error) => showError(form, error)),
      {class: 'button secondary', 'data-test': 'export-fhir-next'}) : null;
    fill(status, h('p', null, `Saved ${fileName}.`, next ? ` The period has more than ${(part * LIMIT).toLocaleString('en-GB')} readings: the rest follow in the next part.` : ''), more);
    // The keyboard follows to the next part's button, or back to the export button when the last part's went.
    (more ?? form.querySelector('[data-test="export-fhir"]')).focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    fill(status);
    const to = new Date();
    const from = new Date(to.getTime() - Number(period.control.value) * 86_400_000);
    try {
      await savePart(event.submitter ?? form.querySelector('[data-test="export-fhir"]'), `/api/v1/patients/${id}/fhir`, {from, to, limit: LIMIT},
        `patient-${id}-fhir-${localDate(from)}-to-${localDate(to)}`, 1);
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', {'aria-labelledby': 'fhir-title'}, h('h2', {id: 'fhir-title'}, 'FHIR export'),
    h('p', {class: 'muted'}, 'The patient, their devices and a vital-signs Observation per usable reading (LOINC codes, UCUM units), as a FHIR R4 Bundle.'), form);
}
