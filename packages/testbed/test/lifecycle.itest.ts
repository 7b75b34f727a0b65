import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status, testbedEnv, up } from '../src';

const env = testbedEnv();

describe('testbed lifecycle', () => {
  it('reuses the running testbed on a second up', async () => {
    const again = await up({ runDir: env.dir });
    expect(again.started).toBe(false);
    expect(again.variables.CIS_OPENSEARCH_URL).toBe(env.opensearchUrl);
    expect(again.variables.CIS_QUEUE_URL).toBe(env.queueUrl);
  });

  it('reports every server alive and writes an env file to source', async () => {
    const s = await status(env.dir);
    expect(s.running).toBe(true);
    expect(s.servers.map((x) => [x.name, x.alive])).toEqual([
      ['keeper+bedrock', true],
      ['opensearch', true],
      ['elasticmq', true],
      ['s3mock', true],
    ]);
    const file = join(env.dir, 'env');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(`export CIS_BUCKET='${env.bucket}'`);
  });
});
