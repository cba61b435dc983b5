// A patient report's NEWS2 trend: the score every 6 hours against its risk bands, each band named in words beside
// its colour (5–6 medium, 7 or more high: Royal College of Physicians 2017). Drawn at its box's width,
// like the vital charts, so its labels keep their size on a phone.

import {s, h} from '/console/dom.js';
import {formatTime} from '/console/format.js';
import {timeTicks} from '/console/chart.js';

const BANDS = [{from: 5, to: 7, className: 'band-medium', label: 'Medium risk (5–6)'}, {from: 7, to: Infinity, className: 'band-high', label: 'High risk (7+)'}];

let counter = 0;

/** The score each point shows: the total when every parameter was observed, otherwise what the observed ones give. */
export function scoreOf(point) {
  return point.total ?? point.partialTotal;
}

/** One sentence for screen readers (the chart's description). */
export function trendSummary(scores) {
  if (!scores.length) return 'No NEWS2 scores in this period.';
  const highest = scores.reduce((best, point) => (scoreOf(point) > scoreOf(best) ? point : best));
  const partial = scores.filter((point) => point.total === undefined || point.total === null).length;
  return `NEWS2 every 6 hours: highest ${scoreOf(highest)} at ${formatTime(highest.at)}, latest ${scoreOf(scores.at(-1))}` +
    ` at ${formatTime(scores.at(-1).at)}.${partial ? ` ${partial} of ${scores.length} scores are partial (not every parameter observed).` : ''}`;
}

function draw(width, scores, from, to) {
  const id = ++counter;
  const height = 220;
  const margin = {top: 10, right: 12, bottom: 28, left: 30};
  const top = Math.min(20, Math.max(10, ...scores.map(scoreOf)));
  const plotWidth = Math.max(40, width - margin.left - margin.right);
  const plotHeight = height - margin.top - margin.bottom;
  const x = (time) => margin.left + ((time - from) / (to - from)) * plotWidth;
  const y = (value) => margin.top + (1 - Math.min(value, top) / top) * plotHeight;
  const svg = s('svg', {class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `trend-title-${id} trend-desc-${id}`,
    'data-test': 'chart-news2'},
  s('title', {id: `trend-title-${id}`, text: 'NEWS2 trend'}), s('desc', {id: `trend-desc-${id}`, text: trendSummary(scores)}));
  const back = s('g', {'aria-hidden': 'true'});
  for (const band of BANDS) {
    back.append(s('rect', {class: band.className, x: margin.left, width: plotWidth, y: y(Math.min(band.to, top)), height: y(band.from) - y(Math.min(band.to, top))}));
    back.append(s('text', {class: 'chart-label band-label', x: margin.left + plotWidth - 4, y: y(band.from) - 4, 'text-anchor': 'end', text: band.label}));
  }
  for (const value of [0, 3, 5, 7, top]) {
    back.append(s('line', {class: 'chart-rule', x1: margin.left, x2: margin.left + plotWidth, y1: y(value), y2: y(value)}));
    back.append(s('text', {class: 'chart-label', x: margin.left - 6, y: y(value) + 4, 'text-anchor': 'end', text: String(value)}));
  }
  // Over more than two days, hour ticks ("12:00") would not say which day: ask for day ticks by offering the
  // tick maker no more room than a label a day needs.
  const days = (to - from) / 86_400_000;
  for (const tick of timeTicks(from, to, days > 2 ? Math.min(plotWidth, 90 * (Math.ceil(days) + 1)) : plotWidth)) {
    const at = x(tick.time);
    // A label at either end is anchored inside the chart rather than cut off by its edge.
    const anchor = at < margin.left + 30 ? 'start' : at > width - 40 ? 'end' : 'middle';
    back.append(s('text', {class: 'chart-label', x: anchor === 'start' ? Math.max(0, at - 4) : at, y: height - 8, 'text-anchor': anchor, text: tick.label}));
  }
  const data = s('g', {'aria-hidden': 'true'});
  const points = scores.map((point) => ({x: x(new Date(point.at).getTime()), y: y(scoreOf(point)), partial: point.total === undefined || point.total === null}));
  if (points.length > 1) data.append(s('polyline', {class: 'chart-line', points: points.map((point) => `${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ')}));
  for (const point of points) data.append(s('circle', {class: point.partial ? 'chart-dot partial' : 'chart-dot', cx: point.x, cy: point.y, r: 3.5}));
  svg.append(back, data);
  return svg;
}

/** Draws the trend into `container` now and when its width changes; returns the function that stops following it. */
export function mountTrend(container, scores, {from, to}) {
  let lastWidth = 0;
  const redraw = () => {
    const width = Math.floor(container.clientWidth) || 600;
    if (width === lastWidth) return;
    lastWidth = width;
    container.replaceChildren(draw(width, scores, from, to));
  };
  redraw();
  const observer = new ResizeObserver(redraw);
  observer.observe(container);
  return () => observer.disconnect();
}

/** What the dots and shading mean. */
export function trendLegend() {
  const item = (className, words) => h('span', {class: 'legend-item'}, h('span', {class: className, 'aria-hidden': 'true'}), words);
  return h('p', {class: 'chart-legend'}, item('legend-dot', 'score from every parameter'),
    item('legend-dot partial', 'partial score (some parameters not observed; none observed reads 0)'),
    item('legend-swatch band-medium', 'medium risk'), item('legend-swatch band-high', 'high risk'));
}
