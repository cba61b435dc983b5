// SVG charts of a vital over time from the hub's downsampled history: the min–max band of each bucket, the average
// line, and the patient's alert limits as dashed lines in their priority's colour, labelled in words as well.
//
// Charts are drawn at the pixel width of their box (and again when it changes) rather than scaled from a fixed
// viewBox: scaled down to a phone, a desktop-sized chart's labels would shrink below reading size.

import {s, h} from '/console/dom.js';
import {formatNumber, formatClock, formatDay, formatTime, vitalName, VITALS, PRIORITY_WORDS} from '/console/format.js';

let chartCounter = 0;

/** The alert limits of `rules` (the rules in force, rules-file form) for one vital. */
export function thresholdsFor(kind, rules) {
  const lines = [];
  for (const rule of rules ?? []) {
    if (rule.vital !== kind || rule.enabled === false) continue;
    for (const band of rule.bands ?? []) {
      lines.push({value: band.limit, priority: band.priority, direction: rule.direction, ruleId: rule.id});
    }
  }
  return lines;
}

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
}

/** Time ticks that fall on round local hours or days, for the span shown. */
export function timeTicks(from, to, width) {
  const span = to - from;
  const hour = 3_600_000;
  const steps = [hour, 2 * hour, 3 * hour, 4 * hour, 6 * hour, 12 * hour, 24 * hour, 2 * 24 * hour, 7 * 24 * hour];
  const wanted = Math.max(2, Math.floor(width / 90));
  const step = steps.find((candidate) => span / candidate <= wanted) ?? steps.at(-1);
  const ticks = [];
  if (step >= 24 * hour) {
    // Whole days step by the calendar, so ticks stay at local midnight across daylight-saving changes.
    const days = step / (24 * hour);
    const date = new Date(from);
    date.setHours(0, 0, 0, 0);
    while (date.getTime() <= to) {
      if (date.getTime() >= from) ticks.push({time: date.getTime(), label: formatDay(date)});
      date.setDate(date.getDate() + days);
    }
    return ticks;
  }
  const date = new Date(from);
  date.setMinutes(0, 0, 0);
  const hours = step / hour;
  for (let time = date.getTime(); time <= to; time += hour) {
    if (time < from || new Date(time).getHours() % hours !== 0) continue;
    ticks.push({time, label: formatClock(time)});
  }
  return ticks;
}

/** Contiguous runs of buckets: a gap longer than a few buckets breaks the line rather than drawing across it. */
function segments(points, bucketMs) {
  const runs = [];
  let run = [];
  for (const point of points) {
    if (run.length && point.time - run.at(-1).time > bucketMs * 2.5) {
      runs.push(run);
      run = [];
    }
    run.push(point);
  }
  if (run.length) runs.push(run);
  return runs;
}

/** A sentence summarising the chart for screen readers (its `<desc>`), and for the chart's text fallback. */
export function chartSummary({kind, points, rangeLabel, thresholds, unit}) {
  const name = vitalName(kind);
  const decimals = VITALS[kind]?.decimals ?? 1;
  const symbol = unit ?? VITALS[kind]?.symbol ?? '';
  if (!points.length) return `${name}, ${rangeLabel}: no readings.`;
  const low = Math.min(...points.map((point) => point.min));
  const high = Math.max(...points.map((point) => point.max));
  const count = points.reduce((sum, point) => sum + point.count, 0);
  const average = points.reduce((sum, point) => sum + point.avg * point.count, 0) / Math.max(1, count);
  const last = points.at(-1);
  let text = `${name}, ${rangeLabel}: lowest ${formatNumber(low, decimals)}, highest ${formatNumber(high, decimals)}, ` +
    `average ${formatNumber(average, decimals)} ${symbol}, from ${count} readings; most recently ${formatNumber(last.avg, decimals)} ${symbol} ` +
    `at ${formatTime(last.time)}.`;
  if (thresholds?.length) {
    text += ' Alert limits: ' + thresholds.map((line) =>
      `${PRIORITY_WORDS[line.priority]?.toLowerCase() ?? line.priority} ${line.direction === 'below' ? 'below' : 'above'} ${formatNumber(line.value, decimals)} ${symbol}`).join(', ') + '.';
  }
  return text;
}

/**
 * Draws the chart into `container` now and whenever its width changes. Returns a function that stops following
 * the width (call it when the view goes away).
 */
export function mountChart(container, options) {
  let lastWidth = 0;
  const draw = () => {
    const width = Math.floor(container.clientWidth) || 600;
    if (width === lastWidth) return;
    lastWidth = width;
    container.replaceChildren(vitalChart({...options, width}));
  };
  draw();
  const observer = new ResizeObserver(() => draw());
  observer.observe(container);
  return () => observer.disconnect();
}

/**
 * An SVG chart. `history` is the API's VitalHistory; `from`/`to` the range asked for (ms); `thresholds` from
 * thresholdsFor; `compact` draws a small sparkline-like chart with fewer labels.
 */
export function vitalChart({kind, history, from, to, thresholds = [], width = 600, compact = false, rangeLabel = '', unit = VITALS[kind]?.symbol ?? ''}) {
  const id = ++chartCounter;
  const decimals = VITALS[kind]?.decimals ?? 1;
  // A number on a clinical chart means nothing without its unit: the axis is titled with it, and so is each limit.
  const limitUnit = unit === 'breaths/min' ? '/min' : unit;
  const limitLabels = thresholds.map((line) => `${{high: 'High', medium: 'Med', low: 'Low'}[line.priority] ?? line.priority} ` +
    `${line.direction === 'below' ? '<' : '>'}${formatNumber(line.value, decimals)}${limitUnit ? ` ${limitUnit}` : ''}`);
  const height = compact ? 120 : Math.max(190, Math.min(270, Math.round(width * 0.38)));
  const labelRoom = Math.max(0, ...limitLabels.map((label) => label.length)) * 7.5 + 8;
  const margin = compact ? {top: 18, right: 8, bottom: 20, left: 28} : {top: 22, right: thresholds.length ? Math.max(78, labelRoom) : 16, bottom: 28, left: 36};
  const points = (history?.points ?? []).map((point) => ({...point, time: new Date(point.start).getTime()}));
  const bucketMs = (history?.bucketSeconds ?? 60) * 1000;
  const summary = chartSummary({kind, points, rangeLabel, thresholds, unit});
  const titleId = `chart-title-${id}`;
  const descId = `chart-desc-${id}`;
  const svg = s('svg', {
    class: ['chart', compact ? 'compact' : ''].join(' '), width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `${titleId} ${descId}`, 'data-test': `chart-${kind}`,
  }, s('title', {id: titleId, text: `${vitalName(kind)} chart${rangeLabel ? `, ${rangeLabel}` : ''}`}), s('desc', {id: descId, text: summary}));

  const values = points.flatMap((point) => [point.min, point.max]);
  const limits = thresholds.map((line) => line.value);
  let low = Math.min(...values, ...limits);
  let high = Math.max(...values, ...limits);
  if (!Number.isFinite(low)) { low = 0; high = 1; }
  if (high - low < 1e-9) { low -= 1; high += 1; }
  const pad = (high - low) * 0.08;
  low -= pad;
  high += pad;
  const step = niceStep(high - low, compact ? 3 : 5);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  // As many decimals as the step needs, so ticks of 0.002 g do not all read "0.0"; the left margin then fits the
  // longest tick label (36.60 needs more room than 90).
  const tickDecimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
  const longest = Math.max(formatNumber(low, tickDecimals).length, formatNumber(high, tickDecimals).length);
  margin.left = Math.max(margin.left, longest * 7 + 12);
  const plotWidth = Math.max(40, width - margin.left - margin.right);
  const plotHeight = height - margin.top - margin.bottom;
  const x = (time) => margin.left + ((time - from) / (to - from)) * plotWidth;
  const y = (value) => margin.top + (1 - (value - low) / (high - low)) * plotHeight;

  const grid = s('g', {class: 'chart-grid', 'aria-hidden': 'true'});
  grid.append(s('text', {x: 4, y: compact ? 12 : 14, class: 'chart-axis-title', text: `${vitalName(kind)}${unit ? ` (${unit})` : ''}`}));
  for (let value = low; value <= high + step / 2; value += step) {
    grid.append(s('line', {x1: margin.left, x2: margin.left + plotWidth, y1: y(value), y2: y(value)}));
    grid.append(s('text', {x: margin.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'chart-label', text: formatNumber(value, tickDecimals)}));
  }
  for (const tick of timeTicks(from, to, plotWidth)) {
    grid.append(s('line', {x1: x(tick.time), x2: x(tick.time), y1: margin.top, y2: margin.top + plotHeight, class: 'chart-vertical'}));
    grid.append(s('text', {x: x(tick.time), y: height - 8, 'text-anchor': 'middle', class: 'chart-label', text: tick.label}));
  }
  svg.append(grid);

  const data = s('g', {class: 'chart-data', 'aria-hidden': 'true'});
  for (const run of segments(points, bucketMs)) {
    if (run.length > 1) {
      const top = run.map((point) => `${x(point.time).toFixed(1)},${y(point.max).toFixed(1)}`);
      const bottom = run.slice().reverse().map((point) => `${x(point.time).toFixed(1)},${y(point.min).toFixed(1)}`);
      data.append(s('polygon', {class: 'chart-band', points: [...top, ...bottom].join(' ')}));
      data.append(s('polyline', {class: 'chart-line', points: run.map((point) => `${x(point.time).toFixed(1)},${y(point.avg).toFixed(1)}`).join(' ')}));
    }
    // Lone buckets (spot measurements, a blood-pressure reading a day) would vanish as lines: draw them as dots
    // with their range.
    if (run.length === 1 || points.length < 40) {
      for (const point of run) {
        if (point.max > point.min) data.append(s('line', {class: 'chart-range', x1: x(point.time), x2: x(point.time), y1: y(point.min), y2: y(point.max)}));
        data.append(s('circle', {class: 'chart-dot', cx: x(point.time), cy: y(point.avg), r: compact ? 2.5 : 3.5}));
      }
    }
  }
  svg.append(data);

  const lines = s('g', {class: 'chart-thresholds', 'aria-hidden': 'true'});
  const placed = [];
  const labelled = thresholds.map((line, index) => ({...line, label: limitLabels[index]}));
  for (const line of labelled.sort((a, b) => b.value - a.value)) {
    const lineY = y(line.value);
    lines.append(s('line', {class: `threshold priority-${line.priority}`, x1: margin.left, x2: margin.left + plotWidth, y1: lineY, y2: lineY}));
    if (compact) continue;
    // Labels of close limits would overlap: nudge each below the previous one.
    let labelY = lineY + 4;
    while (placed.some((other) => Math.abs(other - labelY) < 12)) labelY += 12;
    placed.push(labelY);
    lines.append(s('text', {class: `threshold-label priority-${line.priority}`, x: margin.left + plotWidth + 4, y: labelY, text: line.label}));
  }
  svg.append(lines);

  if (!points.length) {
    svg.append(s('text', {x: margin.left + plotWidth / 2, y: margin.top + plotHeight / 2, 'text-anchor': 'middle', class: 'chart-empty',
      text: 'No readings in this period'}));
  }
  return svg;
}

/** The legend under a full chart: what the band, the line and the dashed lines mean. */
export function chartLegend(hasThresholds) {
  return h('p', {class: 'chart-legend'},
    h('span', {class: 'legend-band', 'aria-hidden': 'true'}), ' range (min–max) ',
    h('span', {class: 'legend-line', 'aria-hidden': 'true'}), ' average ',
    hasThresholds ? [h('span', {class: 'legend-threshold', 'aria-hidden': 'true'}), ' alert limits (by priority)'] : null);
}
