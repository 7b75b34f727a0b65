import { lineChartSvg, niceTicks } from './chart';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k and reaches the maximum', () => {
    expect(niceTicks(10.43)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(5_000_248)).toEqual([0, 1e6, 2e6, 3e6, 4e6, 5e6, 6e6]);
    expect(niceTicks(50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('lineChartSvg', () => {
  it('draws both series with axes, labels and a legend, and keeps peaks when thinning', () => {
    const n = 5000;
    const x = Array.from({ length: n }, (_, i) => i / 60);
    const queue = x.map((_, i) => (i === 2345 ? 1000 : 10));
    const svg = lineChartSvg({
      title: 'a < b & c',
      x,
      xLabel: 'hours',
      leftLabel: 'queue depth',
      rightLabel: 'instances',
      series: [
        { name: 'queue depth', values: queue, axis: 'left', color: '#00f' },
        { name: 'instances', values: x.map(() => 3), axis: 'right', color: '#f00' },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).toContain('>hours</text>');
    expect(svg).toContain('queue depth (left axis)');
    expect(svg).toContain('instances (right axis)');
    const polylines = [...svg.matchAll(/points="([^"]+)"/g)].map((m) => m[1]!.split(' '));
    expect(polylines).toHaveLength(2);
    expect(polylines[0]!.length).toBeLessThanOrEqual(1001);
    // The spike reaches the top tick (1000), drawn at the top of the plot area (y = 40).
    expect(polylines[0]!.some((p) => p.endsWith(',40.0'))).toBe(true);
  });
});
