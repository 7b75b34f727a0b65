/**
 * A small SVG line chart: one x axis, a left and a right y axis, a legend. Written by hand
 * because the charting libraries that render SVG on a server are ESM-only (vega 6, d3 7) or
 * need a DOM (d3-node brings jsdom) for what is two polylines and some ticks.
 */
export interface ChartSeries {
  name: string;
  values: number[];
  axis: 'left' | 'right';
  color: string;
}

export interface LineChart {
  title: string;
  x: number[];
  xLabel: string;
  leftLabel: string;
  rightLabel: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
}

const MARGIN = { top: 40, right: 70, bottom: 50, left: 80 };
/** More points than pixels only bloat the file; buckets keep each one's peak. */
const MAX_POINTS = 1000;

export function lineChartSvg(c: LineChart): string {
  const width = c.width ?? 900;
  const height = c.height ?? 420;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const xMax = c.x.length > 0 ? c.x[c.x.length - 1]! : 1;
  const xTicks = niceTicks(xMax);
  const xTop = xTicks[xTicks.length - 1]!;
  const axisTicks = (axis: 'left' | 'right'): number[] =>
    niceTicks(Math.max(0, ...c.series.filter((s) => s.axis === axis).map((s) => peak(s.values))));
  const left = axisTicks('left');
  const right = axisTicks('right');
  const sx = (v: number): number => MARGIN.left + (v / xTop) * plotW;
  const sy = (v: number, ticks: number[]): number => MARGIN.top + plotH - (v / ticks[ticks.length - 1]!) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(c.title)}</text>`);
  for (const t of xTicks) {
    const x = sx(t);
    out.push(`<line x1="${f(x)}" y1="${MARGIN.top}" x2="${f(x)}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${f(x)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of left) {
    const y = sy(t, left);
    out.push(`<line x1="${MARGIN.left}" y1="${f(y)}" x2="${MARGIN.left + plotW}" y2="${f(y)}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${f(y + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  for (const t of right) {
    out.push(`<text x="${MARGIN.left + plotW + 6}" y="${f(sy(t, right) + 4)}">${label(t)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(c.leftLabel)}</text>`);
  out.push(`<text transform="translate(${width - 14} ${MARGIN.top + plotH / 2}) rotate(90)" text-anchor="middle">${esc(c.rightLabel)}</text>`);

  c.series.forEach((s, i) => {
    const ticks = s.axis === 'left' ? left : right;
    const pts = downsample(c.x, s.values).map(([x, y]) => `${f(sx(x))},${f(sy(y, ticks))}`);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    const ly = MARGIN.top + 14 + i * 16;
    const lx = MARGIN.left + 10;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}">${esc(s.name)} (${s.axis} axis)</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Ticks at 1, 2 or 5 × 10^k from 0 up to at least `max`, at most seven of them. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step - 1e-9 * step; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

function downsample(x: number[], y: number[]): Array<[number, number]> {
  const n = Math.min(x.length, y.length);
  if (n <= MAX_POINTS) return Array.from({ length: n }, (_, i) => [x[i]!, y[i]!]);
  const size = Math.ceil(n / MAX_POINTS);
  const pts: Array<[number, number]> = [];
  for (let start = 0; start < n; start += size) {
    let best = start;
    for (let i = start; i < Math.min(n, start + size); i++) if (y[i]! > y[best]!) best = i;
    pts.push([x[best]!, y[best]!]);
  }
  pts.push([x[n - 1]!, y[n - 1]!]);
  return pts;
}

function peak(v: number[]): number {
  let m = 0;
  for (const x of v) if (x > m) m = x;
  return m;
}

function label(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function f(v: number): string {
  return v.toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
