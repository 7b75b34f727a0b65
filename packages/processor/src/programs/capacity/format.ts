/** Number formatting for the human output of `plan` and `simulate`. */

export function usd(v: number): string {
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price: cents are too coarse for $0.192/h. */
export function usdRate(v: number): string {
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

export function num(v: number, maxDigits = 1): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: maxDigits });
}

export function duration(hours: number): string {
  return hours >= 48 ? `${num(hours)} h (${num(hours / 24, 2)} days)` : `${num(hours, 2)} h`;
}

/** Two aligned columns: label, value. */
export function table(title: string, rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n') + '\n';
}

/** JSON for scripts: floating-point dust (5000248.000000001) rounded off at 4 decimals. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v), 2) + '\n';
}
