import { ConfigError } from '@cis/processor';
import { ENVIRONMENTS } from './environments';
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from './schema';

export { ConfigError };

export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS);

/**
 * The settings of one environment, validated. `name` comes from `cdk … -c env=<name>`;
 * `initialLoad` (from `-c initialLoad=true|false`) overrides the environment's own switch.
 * Anything invalid throws a ConfigError that names the setting.
 */
export function loadEnvironment(name: unknown, overrides: { initialLoad?: unknown } = {}): EnvironmentConfig {
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError(`missing setting env: pick an environment with -c env=<${ENVIRONMENT_NAMES.join('|')}>`);
  }
  if (!Object.hasOwn(ENVIRONMENTS, name)) {
    throw new ConfigError(`invalid setting env: unknown environment "${name}"; expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  const input: EnvironmentInput = ENVIRONMENTS[name as keyof typeof ENVIRONMENTS];
  const initialLoad = parseSwitch('initialLoad', overrides.initialLoad);
  return parseEnvironment(name, initialLoad === undefined ? input : { ...input, initialLoad });
}

/** Validates an environment's settings (the schema's defaults filled in) and derives its names. */
export function parseEnvironment(name: string, input: unknown): EnvironmentConfig {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) {
    throw new ConfigError(`invalid setting env: "${name}" must be 1–20 lower-case letters, digits or hyphens`);
  }
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`);
    throw new ConfigError(`invalid infrastructure settings: ${problems.join('; ')}`);
  }
  return { ...result.data, name, stackName: `CisIngest-${name}`, prefix: `cis-${name}` };
}

/** A true/false context value: `-c initialLoad=true` arrives as a string, cdk.json may hold a boolean. */
function parseSwitch(setting: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`invalid setting ${setting}: expected true or false, got ${JSON.stringify(value)}`);
}
