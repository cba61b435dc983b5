// Administration of patients: the list, creating a record, editing one, its care team (add and remove caregivers;
// past members kept), its devices (assign an unassigned device from now, or end an assignment) and its FHIR export.

import {api, getAll} from '/console/api.js';
import {h, heading, field, busy, showError, clearErrors, table, errorBox, button, flash, link, errorText, fill} from '/console/dom.js';
import {dialog} from '/console/dialog.js';
import {timeElement} from '/console/format.js';
import {state} from '/console/store.js';
import {adminNav} from '/console/view-admin.js';
import {fhirSection} from '/console/fhir-export.js';

function lines(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

function patientFields(patient = null) {
  const displayName = field({label: 'Name', name: 'displayName', required: true, value: patient?.displayName, attrs: {maxlength: 200}});
  const yearOfBirth = field({label: 'Year of birth', name: 'yearOfBirth', type: 'number', value: patient?.yearOfBirth ?? '', attrs: {min: 1900, max: new Date().getFullYear()}});
  const conditions = field({label: 'Conditions (one per line)', name: 'conditions', type: 'textarea', value: patient?.conditions?.join('\n') ?? '', attrs: {rows: 3}});
  return {displayName, yearOfBirth, conditions};
}

export async function renderList(main) {
  const fields = patientFields();
  const scale = field({label: 'NEWS2 SpO2 scale', name: 'news2.spo2Scale', type: 'select', options: [['1', 'Scale 1'], ['2', 'Scale 2 (hypercapnic respiratory failure)']]});
  const oxygen = field({label: 'On supplemental oxygen', name: 'news2.onOxygen', type: 'checkbox'});
  const save = h('button', {type: 'submit', class: 'button primary', 'data-test': 'create-patient'}, 'Create patient');
  const form = h('form', {class: 'card form-grid', novalidate: true}, fields.displayName.wrap, fields.yearOfBirth.wrap, fields.conditions.wrap, scale.wrap, oxygen.wrap,
    h('div', {class: 'actions'}, save));
  const listBox = h('div');
  main.append(heading(1, 'Patients'), adminNav('patients'),
    h('section', {'aria-labelledby': 'new-patient-title'}, h('h2', {id: 'new-patient-title'}, 'New patient'), form),
    h('section', {'aria-labelledby': 'patient-list-title'}, h('h2', {id: 'patient-list-title'}, 'Patients'), listBox));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {displayName: fields.displayName.control.value.trim(), conditions: lines(fields.conditions.control.value),
      news2: {spo2Scale: Number(scale.control.value), onOxygen: oxygen.control.checked}};
    if (fields.yearOfBirth.control.value) body.yearOfBirth = Number(fields.yearOfBirth.control.value);
    try {
      const patient = await busy(save, () => api.post('/api/v1/patients', body));
      state.patients.set(patient.id, patient);
      form.reset();
      flash(form, `Patient “${patient.displayName}” created.`);
      load();
    } catch (error) {
      showError(form, error);
    }
  });

  async function load() {
    try {
      const patients = await getAll('/api/v1/patients');
      for (const patient of patients) state.patients.set(patient.id, patient);
      listBox.replaceChildren(table({
        caption: 'Patient records',
        rows: patients,
        rowAttrs: (patient) => ({'data-test': 'patient', 'data-patient-id': patient.id}),
        columns: [
          {label: 'Name', render: (patient) => link(`#/admin/patients/${patient.id}`, patient.displayName)},
          {label: 'Born', render: (patient) => patient.yearOfBirth ? String(patient.yearOfBirth) : '—'},
          {label: 'Conditions', render: (patient) => patient.conditions.join(', ') || '—'},
          {label: 'NEWS2', render: (patient) => `Scale ${patient.news2.spo2Scale}${patient.news2.onOxygen ? ', on oxygen' : ''}`},
          {label: 'Open', render: (patient) => h('span', {class: 'link-list'}, link(`#/patients/${patient.id}`, 'Monitoring'), ' · ', link(`#/patients/${patient.id}/rules`, 'Alert rules'), ' · ', link(`#/patients/${patient.id}/report`, 'Report'))},
        ],
      }));
    } catch (error) {
      listBox.replaceChildren(errorBox(error));
    }
  }
  await load();
}

export async function renderDetail(main, {params}) {
  const id = Number(params.id);
  let patient;
  try {
    patient = await api.get(`/api/v1/patients/${id}`);
  } catch (error) {
    main.append(heading(1, 'Patient'), adminNav('patients'), errorBox(error));
    return;
  }
  const title = heading(1, patient.displayName);
  const fields = patientFields(patient);
  const save = h('button', {type: 'submit', class: 'button primary'}, 'Save');
  const form = h('form', {class: 'card form-grid', novalidate: true}, fields.displayName.wrap, fields.yearOfBirth.wrap, fields.conditions.wrap, h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      patient = await busy(save, () => api.patch(`/api/v1/patients/${id}`, {
        displayName: fields.displayName.control.value.trim(),
        yearOfBirth: fields.yearOfBirth.control.value ? Number(fields.yearOfBirth.control.value) : null,
        conditions: lines(fields.conditions.control.value),
      }));
      state.patients.set(id, patient);
      title.textContent = patient.displayName;
      flash(form, 'Saved.');
    } catch (error) {
      showError(form, error);
    }
  });
  const teamBox = h('div');
  const devicesBox = h('div');
  main.append(title, adminNav('patients'),
    h('p', {class: 'link-list'}, link(`#/patients/${id}`, 'Monitoring page'), ' · ', link(`#/patients/${id}/rules`, 'Alert rules'), ' · ',
      link(`#/patients/${id}/report`, 'Report', {'data-test': 'patient-report'}), ' · ', link(`#/admin/audit?patientId=${id}`, 'Audit log')),
    h('section', {'aria-labelledby': 'record-title'}, h('h2', {id: 'record-title'}, 'Record'), form),
    h('section', {'aria-labelledby': 'team-title'}, h('h2', {id: 'team-title'}, 'Care team'), teamBox),
    h('section', {'aria-labelledby': 'devices-title'}, h('h2', {id: 'devices-title'}, 'Devices'), devicesBox),
    fhirSection(id));

  async function loadTeam() {
    try {
      const [team, caregivers] = await Promise.all([
        api.get(`/api/v1/patients/${id}/care-team`, {history: 'true'}),
        getAll('/api/v1/accounts', {role: 'caregiver'}),
      ]);
      const current = team.members.filter((member) => !member.until);
      const past = team.members.filter((member) => member.until);
      const candidates = caregivers.filter((account) => account.active && !current.some((member) => member.caregiver.id === account.id));
      const choose = field({label: 'Caregiver', name: 'caregiverId', type: 'select',
        options: candidates.map((account) => [String(account.id), `${account.displayName}${account.title ? ` (${account.title})` : ''}`])});
      const add = h('button', {type: 'submit', class: 'button primary', 'data-test': 'add-caregiver', disabled: !candidates.length}, 'Add to care team');
      const addForm = h('form', {class: 'inline-form', novalidate: true}, choose.wrap, add);
      addForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          await busy(add, () => api.put(`/api/v1/patients/${id}/care-team/${choose.control.value}`));
          loadTeam();
        } catch (error) {
          showError(addForm, error);
        }
      });
      fill(teamBox, 
        table({caption: 'Current members', rows: current, empty: 'Nobody is on the care team.', rowAttrs: (member) => ({'data-test': 'care-team-member', 'data-caregiver-id': member.caregiver.id}), columns: [
          {label: 'Caregiver', render: (member) => `${member.caregiver.displayName}${member.caregiver.title ? ` (${member.caregiver.title})` : ''}`},
          {label: 'Since', render: (member) => timeElement(member.since, {absoluteOnly: true})},
          {label: 'Actions', render: (member) => button('Remove…', async () => {
            const done = await dialog({title: `Remove ${member.caregiver.displayName} from the care team?`,
              describe: 'From now on they no longer see this patient, their alerts or their conversations. The history keeps their membership.',
              body: h('div'), confirmLabel: 'Remove', danger: true,
              onConfirm: () => api.delete(`/api/v1/patients/${id}/care-team/${member.caregiver.id}`)});
            if (done) loadTeam();
          }, {class: 'button secondary small', 'data-test': 'remove-caregiver'})},
        ]}),
        candidates.length ? addForm : h('p', {class: 'muted'}, 'Every active caregiver is already on the team.'),
        past.length ? table({caption: 'Past members', rows: past, columns: [
          {label: 'Caregiver', render: (member) => member.caregiver.displayName},
          {label: 'From', render: (member) => timeElement(member.since, {absoluteOnly: true})},
          {label: 'Until', render: (member) => timeElement(member.until, {absoluteOnly: true})},
        ]}) : null);
    } catch (error) {
      teamBox.replaceChildren(errorBox(error));
    }
  }

  async function loadDevices() {
    try {
      const [assigned, free] = await Promise.all([getAll('/api/v1/devices', {patientId: id}), getAll('/api/v1/devices', {unassigned: 'true'})]);
      const choose = field({label: 'Unassigned device', name: 'deviceId', type: 'select', options: free.map((device) => [device.id, `${device.id} (${device.gatewayId})`])});
      const assign = h('button', {type: 'submit', class: 'button primary', 'data-test': 'assign-device', disabled: !free.length}, 'Assign from now');
      const assignForm = h('form', {class: 'inline-form', novalidate: true}, choose.wrap, assign);
      assignForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          await busy(assign, () => api.put(`/api/v1/devices/${encodeURIComponent(choose.control.value)}/assignment`, {patientId: id}));
          loadDevices();
        } catch (error) {
          showError(assignForm, error);
        }
      });
      devicesBox.replaceChildren(
        table({caption: 'Assigned devices', rows: assigned, empty: 'No devices assigned.', rowAttrs: (device) => ({'data-test': 'device', 'data-device-id': device.id}), columns: [
          {label: 'Device', render: (device) => link(`#/devices/${encodeURIComponent(device.id)}`, device.id)},
          {label: 'Status', render: (device) => (device.online ? 'Online' : 'Offline')},
          {label: 'Actions', render: (device) => button('End assignment…', async () => {
            const done = await dialog({title: `End the assignment of ${device.id}?`, describe: 'From now on its readings belong to no patient.', body: h('div'),
              confirmLabel: 'End assignment', danger: true, onConfirm: () => api.put(`/api/v1/devices/${encodeURIComponent(device.id)}/assignment`, {patientId: null})});
            if (done) loadDevices();
          }, {class: 'button secondary small', 'data-test': 'end-assignment'})},
        ]}),
        free.length ? assignForm : h('p', {class: 'muted'}, 'No unassigned devices. A device appears here once its gateway sends its first reading, or after a technician registers it.'));
    } catch (error) {
      devicesBox.replaceChildren(h('p', {class: 'form-error', role: 'alert'}, errorText(error)));
    }
  }

  await Promise.all([loadTeam(), loadDevices()]);
}
