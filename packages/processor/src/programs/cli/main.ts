#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, UsageError, errorMessage } from '../../core/errors';
import { log } from '../../core/log';

// Node 20 is this project's runtime (Amazon Linux 2023's nodejs20 on the fleet) and the SDK
// version is pinned by the lockfile: the SDK's every-process notice about future releases
// needing Node 22 is noise on stderr here. Setting the variable to "false" brings it back.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type CommandModule = { register(program: Command): void };

/**
 * Each command lives in its own module under ./commands and registers itself. Only the module
 * of the command being run is loaded (the worker's alone pulls in every AWS client): a search
 * starts in a fraction of the time. Help and unknown commands load them all.
 */
const commandModules: Record<string, () => CommandModule> = {
  index: () => require('./commands/index') as typeof import('./commands/index'),
  search: () => require('./commands/search') as typeof import('./commands/search'),
  show: () => require('./commands/show') as typeof import('./commands/show'),
  similar: () => require('./commands/similar') as typeof import('./commands/similar'),
  plan: () => require('./commands/plan') as typeof import('./commands/plan'),
  simulate: () => require('./commands/simulate') as typeof import('./commands/simulate'),
  worker: () => require('./commands/worker') as typeof import('./commands/worker'),
  failures: () => require('./commands/failures') as typeof import('./commands/failures'),
  'index-settings': () => require('./commands/index-settings') as typeof import('./commands/index-settings'),
  'index-migrate': () => require('./commands/index-migrate') as typeof import('./commands/index-migrate'),
  'prune-ids': () => require('./commands/prune-ids') as typeof import('./commands/prune-ids'),
  scan: () => require('./commands/scan') as typeof import('./commands/scan'),
  status: () => require('./commands/status') as typeof import('./commands/status'),
};

export function buildProgram(commandName?: string): Command {
  const program = new Command('cis')
    .description('CIS File Search ingest: index files for full-text and image-similarity search')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const only = commandName !== undefined && Object.hasOwn(commandModules, commandName) ? commandName : undefined;
  for (const [name, load] of Object.entries(commandModules)) if (!only || name === only) load().register(program);
  return program;
}

/** Exit codes: 0 done (even if some files failed: they are listed), 2 usage or configuration error, 1 crash. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram(argv[0]).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`cis: ${err.message}\n`);
      return 2;
    }
    log.error({ err }, 'command crashed');
    process.stderr.write(`cis: ${errorMessage(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
