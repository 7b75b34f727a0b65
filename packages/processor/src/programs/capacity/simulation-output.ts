import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lineChartSvg } from './chart';
import type { SimulationResult } from './simulator';

/** One row per simulated minute, columns as in SimulationSeries. */
export function simulationCsv(r: SimulationResult): string {
  const s = r.series;
  const lines = ['minute,hours,queue,instances,working,desired,enqueued,processed,cost_usd'];
  for (let t = 0; t < s.queue.length; t++) {
    lines.push(
      [t, (t / 60).toFixed(4), s.queue[t]!.toFixed(1), s.instances[t], s.working[t]!.toFixed(2), s.desired[t],
        s.enqueued[t]!.toFixed(1), s.processed[t]!.toFixed(1), s.cost[t]!.toFixed(4)].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Queue depth and instances over time; days on the x axis once the run is longer than three. */
export function simulationSvg(r: SimulationResult, title: string): string {
  const minutes = r.series.queue.length;
  const inDays = minutes > 72 * 60;
  const perUnit = inDays ? 24 * 60 : 60;
  return lineChartSvg({
    title,
    x: r.series.queue.map((_, t) => t / perUnit),
    xLabel: inDays ? 'days' : 'hours',
    leftLabel: 'queue depth (files visible)',
    rightLabel: 'instances',
    series: [
      { name: 'queue depth', values: r.series.queue, axis: 'left', color: '#1f77b4' },
      { name: 'instances', values: r.series.instances, axis: 'right', color: '#d62728' },
    ],
  });
}

/** Writes simulation.csv and simulation.svg into `dir` (created if missing); returns their paths. */
export async function writeSimulation(dir: string, r: SimulationResult, title: string): Promise<{ csv: string; svg: string }> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'simulation.csv');
  const svg = join(dir, 'simulation.svg');
  await writeFile(csv, simulationCsv(r));
  await writeFile(svg, simulationSvg(r, title));
  return { csv, svg };
}
