#!/usr/bin/env tsx
/**
 * pnpm testbed up|down|status|env [--dir DIR]
 *
 * up      start OpenSearch, ElasticMQ, S3Mock and the Bedrock stand-in on 127.0.0.1 (or reuse the
 *         running ones) and write DIR/env; DIR defaults to <repo>/.testbed
 * down    stop them all
 * status  say what runs (--json for the state as JSON)
 * env     print DIR/env
 * control-plane
 *         run moto and the Service Quotas and Bedrock stand-ins in the foreground (until Ctrl-C),
 *         with DIR/control-plane.env routing the AWS SDK (and `pnpm infra:preflight`) to them
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { down, status, up } from './control';
import { startControlPlane } from './control-plane';
import { renderEnvFile } from './env-file';
import { runFiles } from './layout';
import { DEFAULT_STATE_DIR } from './settings';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const runDir = resolve(values.dir ?? DEFAULT_STATE_DIR);
  const command = positionals[0];
  switch (command) {
    case 'up': {
      const { state, started } = await up({ runDir });
      const e = state.endpoints;
      process.stdout.write(
        `${started ? 'testbed started' : 'testbed already running'} (${runDir})\n` +
          `  opensearch  ${e.opensearchUrl}\n  sqs         ${e.sqsUrl}  queue ${e.queueUrl}\n` +
          `  s3          ${e.s3Url}  bucket ${e.bucket}\n  bedrock     ${e.bedrockUrl}  control ${e.bedrockControlUrl}\n` +
          `source ${runFiles(runDir).env}\n`,
      );
      return 0;
    }
    case 'down':
      process.stdout.write((await down(runDir)) ? 'testbed stopped\n' : `no testbed in ${runDir}\n`);
      return 0;
    case 'status': {
      const s = await status(runDir);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      } else {
        process.stdout.write(`testbed ${s.running ? 'running' : s.state ? s.state.phase : 'not running'} (${runDir})\n`);
        for (const server of s.servers) {
          process.stdout.write(`  ${server.name.padEnd(15)} ${server.alive ? `up   pid ${server.pid}` : 'down'}\n`);
        }
        if (s.state?.failure) process.stdout.write(`failure: ${s.state.failure}\n`);
      }
      return s.running ? 0 : 3;
    }
    case 'env':
      process.stdout.write(await readFile(runFiles(runDir).env, 'utf8'));
      return 0;
    case 'control-plane': {
      const plane = await startControlPlane();
      const file = resolve(runDir, 'control-plane.env');
      await mkdir(runDir, { recursive: true });
      await writeFile(file, renderEnvFile(plane.variables).replace('`pnpm testbed up`', '`pnpm testbed control-plane`'));
      process.stdout.write(
        `moto ${plane.moto.endpoint}, Service Quotas ${plane.serviceQuotas.url}, Bedrock ${plane.bedrock.url}\n` +
          `source ${file}   (in another shell; Ctrl-C here stops them)\n`,
      );
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await plane.stop();
      await rm(file, { force: true });
      return 0;
    }
    default:
      process.stderr.write('usage: testbed up|down|status|env|control-plane [--dir DIR] [--json]\n');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`testbed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
