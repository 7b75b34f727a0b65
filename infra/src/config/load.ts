import { ConfigError } from '@cis/processor';
import { ENVIRONMENTS } from './environments';
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from './schema';

export { ConfigError };

export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS);

/**
 * The settings of one environment, validated. `name` comes from `cdk … -c env=<name>`.
 * Initial-load mode is the environment's own `initialLoad` setting (environments.ts): a
 * command-line switch would be dropped by the next routine deploy in the middle of a multi-day
 * load (the group silently back to its normal maximum), so `-c initialLoad=…` is refused.
 * Anything invalid throws a ConfigError that names the setting.
 */
export function loadEnvironment(name: unknown, context: { initialLoad?: unknown } = {}): EnvironmentConfig {
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError(`missing setting env: pick an environment with -c env=<${ENVIRONMENT_NAMES.join('|')}>`);
  }
  if (!Object.hasOwn(ENVIRONMENTS, name)) {
    throw new ConfigError(`invalid setting env: unknown environment "${name}"; expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  if (context.initialLoad !== undefined) {
    throw new ConfigError(
      `invalid setting initialLoad: -c initialLoad is not read any more; initial-load mode is part of the environment's configuration: ` +
        `set initialLoad: ${JSON.stringify(context.initialLoad)} for "${name}" in infra/src/config/environments.ts, refresh the baselines ` +
        `(pnpm infra:baselines), review and merge the change, then deploy (infra/README.md, "Initial-load mode")`,
    );
  }
  return parseEnvironment(name, ENVIRONMENTS[name as keyof typeof ENVIRONMENTS]);
}

/** An environment's settings with changes on top (tests: the same environment in initial-load mode). */
export function environmentVariant(name: keyof typeof ENVIRONMENTS, changes: Partial<EnvironmentInput>): EnvironmentConfig {
  return parseEnvironment(name, { ...ENVIRONMENTS[name], ...changes });
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
