import { z } from 'zod';
import { ConfigError } from '../core/errors';

/**
 * Validates settings once, at start-up. Schemas are keyed by the names users set
 * (environment variables, or `--flag` names), so every message names the setting to fix.
 */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown, what = 'configuration'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`invalid ${what}: ${problems.join('; ')}`);
}

/** An optional number from an environment variable or flag; empty strings count as unset. */
export const optionalNumber = (schema: z.ZodNumber) =>
  z.preprocess((v) => (v === undefined || v === '' ? undefined : typeof v === 'string' ? Number(v) : v), schema.optional());

/** An optional true/false from an environment variable or flag; empty strings count as unset. */
export const optionalBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''], { message: 'expected true or false' })
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes', 'on'].includes(v)));
