import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from './config/load';

/**
 * Arguments of the infra scripts, in the CDK CLI's own form: `-c env=<name>` (or `--context
 * env=<name>`) picks the environment, as for `pnpm cdk … -c env=<name>`. Anything after `--` is
 * left for the tool the script runs.
 */
export interface InfraArgs {
  env?: string;
  context: Record<string, string>;
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  /** What followed `--`. */
  passThrough: string[];
}

export function infraArgs(argv: string[], options: NonNullable<ParseArgsConfig['options']>): InfraArgs {
  const split = argv.indexOf('--');
  const own = split >= 0 ? argv.slice(0, split) : argv;
  const passThrough = split >= 0 ? argv.slice(split + 1) : [];
  let parsed: { values: InfraArgs['values'] };
  try {
    parsed = parseArgs({ args: own, options: { ...options, context: { type: 'string', short: 'c', multiple: true } }, strict: true, allowPositionals: false });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const context = Object.fromEntries(
    ((parsed.values.context ?? []) as string[]).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new ConfigError(`invalid context "${pair}": expected key=value, e.g. -c env=dev`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return { env: context.env, context, values: parsed.values, passThrough };
}
