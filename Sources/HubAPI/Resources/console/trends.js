// A patient's trends: a chart per vital over a range chosen with toggle buttons, from the hub's downsampled history
// (`GET /api/v1/patients/{id}/vitals/{kind}/history`), redrawn every minute for the short ranges.

import {api} from '/console/api.js';
import {h, errorBox, fill} from '/console/dom.js';
import {mountChart, thresholdsFor, chartLegend} from '/console/chart.js';
import {vitalName, VITALS} from '/console/format.js';

export const RANGES = {
  '6h': {label: 'last 6 hours', button: '6 h', ms: 6 * 3600_000},
  '24h': {label: 'last 24 hours', button: '24 h', ms: 24 * 3600_000},
  '7d': {label: 'last 7 days', button: '7 days', ms: 7 * 86400_000},
  '30d': {label: 'last 30 days', button: '30 days', ms: 30 * 86400_000},
};

/**
 * Fills `container` with range buttons and one chart per kind. `rules` (the rules in force) draws the alert limits;
 * `titles` maps a kind to the heading shown (patients read plain words). Returns a cleanup function.
 */
export function renderTrends(container, {patientId, kinds, rules, range = '24h', onRange, compact = false, titles = {}, headingLevel = 3}) {
  let current = RANGES[range] ? range : '24h';
  let stops = [];
  let timer = null;
  let stopped = false;
  const buttons = Object.entries(RANGES).map(([key, value]) => h('button', {
    type: 'button', class: 'button toggle', 'aria-pressed': String(key === current), 'data-test': `range-${key}`,
    on: {click: () => choose(key)},
  }, value.button));
  const group = h('div', {class: 'range-group', role: 'group', 'aria-label': 'Time range'}, h('span', {class: 'range-label', 'aria-hidden': 'true'}, 'Show: '), buttons);
  const charts = h('div', {class: ['charts', compact ? 'compact' : null]});
  const status = h('p', {class: 'visually-hidden', role: 'status'});
  fill(container, group, status, charts, compact ? null : chartLegend(Boolean(rules?.length)));

  function choose(key) {
    current = key;
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.test === `range-${key}`));
    onRange?.(key);
    draw();
    status.textContent = `Showing the ${RANGES[key].label}.`;
  }

  async function draw() {
    clearTimeout(timer);
    for (const stop of stops) stop();
    stops = [];
    const to = Date.now();
    const from = to - RANGES[current].ms;
    const points = compact ? 120 : 300;
    const figures = kinds.map((kind) => {
      const box = h('div', {class: 'chart-box'});
      const figure = h('figure', {class: 'chart-figure', 'data-kind': kind},
        h(`h${headingLevel}`, {class: 'chart-heading'}, titles[kind] ?? vitalName(kind)), box);
      return {kind, box, figure};
    });
    charts.replaceChildren(...figures.map((item) => item.figure));
    await Promise.all(figures.map(async ({kind, box}) => {
      try {
        const history = await api.get(`/api/v1/patients/${patientId}/vitals/${kind}/history`,
          {from: new Date(from).toISOString(), to: new Date(to).toISOString(), points});
        if (stopped) return;
        stops.push(mountChart(box, {kind, history, from, to, thresholds: thresholdsFor(kind, rules), compact,
          rangeLabel: RANGES[current].label, unit: VITALS[kind]?.symbol}));
      } catch (error) {
        box.replaceChildren(errorBox(error));
      }
    }));
    if (stopped) return;
    // Short ranges move visibly within a minute; long ones are redrawn when asked.
    if (current === '6h' || current === '24h') timer = setTimeout(draw, 60_000);
  }

  draw();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const stop of stops) stop();
  };
}
