// Words and numbers for people: times in the browser's own time zone, vitals with their units, priorities and risks
// in words (colour is never the only signal).

import {h} from '/console/dom.js';

const clock = new Intl.DateTimeFormat(undefined, {hour: '2-digit', minute: '2-digit', hour12: false});
const day = new Intl.DateTimeFormat('en-GB', {weekday: 'short', day: 'numeric', month: 'short'});
const dayWithYear = new Intl.DateTimeFormat('en-GB', {weekday: 'short', day: 'numeric', month: 'short', year: 'numeric'});
const full = new Intl.DateTimeFormat(undefined, {dateStyle: 'full', timeStyle: 'long'});

export function toDate(value) {
  return value instanceof Date ? value : new Date(value);
}

/** "14:05, Tue 8 Dec" (with the year when it is not this year's). */
export function formatTime(value) {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return '—';
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return `${clock.format(date)}, ${(sameYear ? day : dayWithYear).format(date).replace(',', '')}`;
}

/** "Tue 8 Dec". */
export function formatDay(value) {
  const date = toDate(value);
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return (sameYear ? day : dayWithYear).format(date).replace(',', '');
}

export function formatClock(value) {
  return clock.format(toDate(value));
}

/** "just now", "3 min ago", "in 5 min", "2 h ago", "yesterday", "4 days ago". */
export function relative(value, now = Date.now()) {
  const seconds = Math.round((toDate(value).getTime() - now) / 1000);
  const past = seconds <= 0;
  const size = Math.abs(seconds);
  let words;
  if (size < 45) return past ? 'just now' : 'in a moment';
  if (size < 3600) words = `${Math.round(size / 60)} min`;
  else if (size < 86400) words = `${Math.round(size / 3600)} h`;
  else {
    const days = Math.round(size / 86400);
    if (days === 1) return past ? 'yesterday' : 'tomorrow';
    words = `${days} days`;
  }
  return past ? `${words} ago` : `in ${words}`;
}

/**
 * A `<time>` element reading "14:05, Tue 8 Dec (3 min ago)", kept current by the ticker below; the full date is in
 * its tooltip.
 */
export function timeElement(value, {relativeOnly = false, absoluteOnly = false} = {}) {
  if (value === undefined || value === null) return h('span', {class: 'muted'}, '—');
  const date = toDate(value);
  const element = h('time', {datetime: date.toISOString(), title: full.format(date)});
  if (!absoluteOnly) element.dataset.relative = relativeOnly ? 'only' : 'both';
  renderTime(element, date);
  return element;
}

function renderTime(element, date) {
  const mode = element.dataset.relative;
  if (mode === 'only') element.textContent = relative(date);
  else if (mode === 'both') element.textContent = `${formatTime(date)} (${relative(date)})`;
  else element.textContent = formatTime(date);
}

// "3 min ago" must not stay "3 min ago" for an hour on a screen left open.
setInterval(() => {
  for (const element of document.querySelectorAll('time[data-relative]')) renderTime(element, new Date(element.dateTime));
}, 30_000);

/** "10 min", "1 h 30 min", "45 s". */
export function formatDuration(seconds) {
  if (seconds === undefined || seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** The vitals the console shows, in the order it shows them. `plain` is for patients; `news2` names the NEWS2
 * parameter that scores it (README "NEWS2"), used to say whether a reading is in the usual range. */
export const VITALS = {
  'spo2': {name: 'SpO2', plain: 'Your oxygen level', symbol: '%', decimals: 0, news2: 'spo2'},
  'heart-rate': {name: 'Heart rate', plain: 'Your heart rate', symbol: 'bpm', decimals: 0, news2: 'pulse'},
  'pulse-rate': {name: 'Pulse rate', plain: 'Your pulse', symbol: 'bpm', decimals: 0, news2: 'pulse'},
  'respiratory-rate': {name: 'Respiratory rate', plain: 'Your breathing rate', symbol: 'breaths/min', decimals: 0, news2: 'respiration-rate'},
  'body-temperature': {name: 'Temperature', plain: 'Your temperature', symbol: '°C', decimals: 1, news2: 'temperature'},
  'systolic-bp': {name: 'Systolic BP', plain: 'Your blood pressure (upper number)', symbol: 'mmHg', decimals: 0, news2: 'systolic-bp'},
  'diastolic-bp': {name: 'Diastolic BP', plain: 'Your blood pressure (lower number)', symbol: 'mmHg', decimals: 0},
  'mean-bp': {name: 'Mean BP', plain: 'Your average blood pressure', symbol: 'mmHg', decimals: 0},
  'perfusion-index': {name: 'Perfusion index', plain: 'Blood flow at your finger', symbol: '%', decimals: 1},
  'activity': {name: 'Activity', plain: 'Your movement', symbol: 'g', decimals: 2},
  'fall': {name: 'Fall', plain: 'Fall detected', symbol: '', decimals: 0},
};

export const VITAL_ORDER = Object.keys(VITALS);

export function vitalName(kind) {
  return VITALS[kind]?.name ?? kind;
}

export function formatNumber(value, decimals = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  return Number(value).toLocaleString(undefined, {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
}

/** "97 %", "36.8 °C", "72 bpm": the reading's own unit symbol when it has one. */
export function formatReading(kind, value, unitSymbol) {
  const meta = VITALS[kind];
  const symbol = unitSymbol ?? meta?.symbol ?? '';
  const number = formatNumber(value, meta?.decimals ?? 1);
  return symbol ? `${number} ${symbol}` : number;
}

export const PRIORITY_WORDS = {high: 'High priority', medium: 'Medium priority', low: 'Low priority'};
export const PRIORITY_RANK = {high: 3, medium: 2, low: 1};

/** A priority badge: colour and the words. */
export function priorityBadge(priority) {
  return h('span', {class: ['badge', `priority-${priority}`]}, PRIORITY_WORDS[priority] ?? priority);
}

export const STATUS_WORDS = {unacknowledged: 'Unacknowledged', acknowledged: 'Acknowledged', resolved: 'Resolved'};
export const CONDITION_WORDS = {present: 'condition present', absent: 'condition cleared', indeterminate: 'no recent data'};

/** NEWS2 risk bands (Royal College of Physicians 2017): words for each, with the response they call for. */
export const RISK_WORDS = {
  'low': 'Low risk',
  'low-medium': 'Low–medium risk',
  'medium': 'Medium risk',
  'high': 'High risk',
};

/**
 * NEWS2 as a badge: the total when every parameter is known ("NEWS2 5 · Medium risk"), else what the observed
 * ones already imply ("NEWS2 3, partial · Low–medium risk so far"; missing parameters can only raise it).
 */
export function news2Badge(news2) {
  if (!news2) return h('span', {class: 'muted'}, 'NEWS2 not available');
  // Air or oxygen comes from the record, not a device: with nothing else observed there is no score to speak of.
  const measured = Object.keys(news2.parameters ?? {}).filter((name) => name !== 'air-or-oxygen' && name !== 'consciousness');
  if (!measured.length) return h('span', {class: 'muted'}, 'NEWS2: no fresh readings');
  const complete = news2.total !== undefined && news2.total !== null;
  const risk = complete ? news2.risk : news2.minimumRisk;
  const score = complete ? `NEWS2 ${news2.total}` : `NEWS2 ${news2.partialTotal}, partial`;
  const words = complete ? RISK_WORDS[risk] : `${RISK_WORDS[risk] ?? risk} so far`;
  const missing = news2.missing?.length ? `Not observed: ${news2.missing.map(news2ParameterName).join(', ')}.` : '';
  return h('span', {class: ['badge', `risk-${risk}`], title: missing || null}, `${score} · ${words}`);
}

const NEWS2_PARAMETERS = {
  'respiration-rate': 'respiration rate', 'spo2': 'SpO2', 'air-or-oxygen': 'air or oxygen', 'systolic-bp': 'systolic BP',
  'pulse': 'pulse', 'consciousness': 'consciousness', 'temperature': 'temperature',
};

export function news2ParameterName(parameter) {
  return NEWS2_PARAMETERS[parameter] ?? parameter;
}

/** What a patient reads about one of their readings, from the points NEWS2 gives it (0: the usual range). */
export function plainJudgement(kind, news2) {
  const parameter = VITALS[kind]?.news2;
  const points = parameter ? news2?.parameters?.[parameter] : undefined;
  if (points === undefined) return null;
  if (points === 0) return {level: 'normal', words: 'normal'};
  if (points < 3) return {level: 'watch', words: 'a little outside your usual range'};
  return {level: 'concern', words: 'outside the usual range — your care team has been told'};
}

export const ROLE_WORDS = {admin: 'Administrator', caregiver: 'Caregiver', technician: 'Technician', patient: 'Patient'};

export const APPOINTMENT_TYPES = {
  'home-visit': 'Home visit', 'clinic-visit': 'Clinic visit', 'video-consultation': 'Video consultation', 'device-check': 'Device check',
};

export const APPOINTMENT_STATUS = {
  scheduled: 'Scheduled', confirmed: 'Confirmed', started: 'In progress', completed: 'Completed', cancelled: 'Cancelled', 'no-show': 'Did not attend',
};

/** A radio signal strength in words (the hub calls below −85 dBm weak). */
export function signalWords(rssi) {
  if (rssi === undefined || rssi === null) return '—';
  const words = rssi >= -70 ? 'good' : rssi >= -85 ? 'fair' : 'weak';
  return `${rssi} dBm (${words})`;
}

/** A device's or gateway's link in colour and words; a device whose gateway is offline says so. */
export function onlineText(item) {
  const words = item.online ? 'Online' : item.gatewayOnline === false ? 'Offline (gateway offline)' : 'Offline';
  return h('span', {class: ['state', item.online ? 'state-ok' : 'state-bad']}, words);
}

/** A gateway's outbox backlog: readings waiting to reach the hub, and any it had to drop. */
export function outboxText(gateway) {
  if (gateway?.outboxDepth === undefined) return h('span', {class: 'muted'}, '—');
  return `${gateway.outboxDepth} waiting${gateway.outboxDropped ? `, ${gateway.outboxDropped} dropped` : ''}`;
}

export const ATTENTION_WORDS = {offline: 'Offline', 'low-battery': 'Low battery', 'weak-signal': 'Weak signal', stale: 'Stale data'};

/** A technical condition's name in words. */
export function conditionName(condition) {
  return {
    'stale-data': 'No recent data', 'device-offline': 'Device offline', 'offline': 'Device offline', 'low-battery': 'Low battery',
    'sensor-displaced': 'Sensor displaced', 'sensor-disconnected': 'Sensor disconnected', 'questionable-readings': 'Questionable readings',
    'weak-signal': 'Weak signal', 'device-dropped': 'Device dropped',
  }[condition] ?? condition;
}

/** What an alert is about, in a few words: "Rule spo2-low", "NEWS2", "Fall", "Low battery (hr-1)". */
export function causeWords(cause) {
  if (!cause) return '';
  switch (cause.type) {
    case 'rule': return `Rule ${cause.ruleId}`;
    case 'news2': return 'NEWS2 early warning score';
    case 'fall': return cause.deviceId ? `Fall (${cause.deviceId})` : 'Fall';
    case 'technical': return `${conditionName(cause.condition)}${cause.deviceId ? ` (${cause.deviceId})` : ''}`;
    default: return cause.type;
  }
}

/** This browser's IANA time zone (what "now" on this screen is read in). */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * IANA time zones as select options: the browser's list and UTC, with `also` added when the list lacks them (a zone
 * stored under an older name must stay choosable, or saving the form would change it).
 */
export function timeZoneOptions(...also) {
  const zones = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  zones.add('UTC');
  for (const zone of also) if (zone) zones.add(zone);
  return [...zones].sort().map((zone) => [zone, zone.replaceAll('_', ' ')]);
}
