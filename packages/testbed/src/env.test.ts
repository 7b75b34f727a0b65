import { renderEnvFile, testbedVariables } from './env-file';
import { NoTestbedError, testbedEnv } from './env';
import { endpointsFor } from './layout';

const ports = { opensearchHttp: 9200, opensearchTransport: 9300, sqs: 9324, s3: 9090, s3Tls: 9191, bedrock: 9400 };

describe('testbed variables', () => {
  it('round-trip from endpoints to the typed accessor', () => {
    const env = testbedEnv(testbedVariables(endpointsFor(ports), '/tmp/run'));
    expect(env).toMatchObject({
      opensearchUrl: 'http://127.0.0.1:9200',
      sqsEndpoint: 'http://127.0.0.1:9324',
      queueUrl: 'http://127.0.0.1:9324/000000000000/cis-ingest',
      dlqUrl: 'http://127.0.0.1:9324/000000000000/cis-ingest-dlq',
      bucket: 'cis-source',
      bedrockControlUrl: 'http://127.0.0.1:9400/_testbed',
      dir: '/tmp/run',
    });
  });

  it('names the missing variables outside a testbed', () => {
    expect(() => testbedEnv({ AWS_REGION: 'us-east-1' })).toThrow(NoTestbedError);
    expect(() => testbedEnv({ AWS_REGION: 'us-east-1' })).toThrow(/CIS_QUEUE_URL/);
  });

  it('renders shell exports that survive quotes', () => {
    expect(renderEnvFile({ A: "it's", B: 'x y' })).toContain(`export A='it'\\''s'\nexport B='x y'`);
  });
});
