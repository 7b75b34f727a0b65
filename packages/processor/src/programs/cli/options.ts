import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a positive integer, naming the option in its message. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}
