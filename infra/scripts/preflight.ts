/**
 * Read-only checks of the account a deploy of one environment would use, printed as a table
 * (check, state, what to do). Exit 1 when a check fails or could not be verified.
 *
 *   pnpm infra:preflight -c env=<name> [--json] [--invoke] [--allow-unknown]
 *
 * --json           the report as JSON on stdout
 * --invoke         also embed a one-pixel image with the model (one billed request)
 * --allow-unknown  exit 0 when nothing failed, even if some checks could not be verified
 *
 * Credentials and region endpoints come from the usual AWS SDK settings (AWS_PROFILE, …;
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> point it at emulators). See infra/README.md.
 */
import { ConfigError, loadEnvironment } from '../src/config/load';
import { infraArgs } from '../src/cli-args';
import { AwsClients, bootstrapRequirement, exitCode, renderJson, renderTable, runPreflight } from '../src/preflight';
import { Synthesizer } from '../src/synth';

async function main(argv: string[]): Promise<number> {
  const { env, values } = infraArgs(argv, { json: { type: 'boolean' }, invoke: { type: 'boolean' }, 'allow-unknown': { type: 'boolean' } });
  const config = loadEnvironment(env);
  // The bootstrap version the deploy will demand is the one in the synthesized template.
  const synthesizer = new Synthesizer();
  let bootstrap;
  try {
    bootstrap = bootstrapRequirement(synthesizer.synth(config.name).template);
  } finally {
    synthesizer.dispose();
  }
  const clients = new AwsClients();
  try {
    const report = await runPreflight(config, { clients, bootstrap, invoke: values.invoke === true });
    const code = exitCode(report, { allowUnknown: values['allow-unknown'] === true });
    process.stdout.write(values.json ? renderJson(report, code) : renderTable(report));
    return code;
  } finally {
    clients.destroy();
  }
}

// The AWS SDK's notice that future releases need Node 22 is noise on this project's Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`infra:preflight: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  },
);
