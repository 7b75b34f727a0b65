import { ConfigError } from '../../core/errors';
import { log } from '../../core/log';
import { checkDependencies, StartupCheckError, type Dependency } from './startup-check';

const quiet = log.child({ test: 'startup-check' });
const ok = (name: string): Dependency => ({ name, settings: [[`CIS_${name.toUpperCase()}`, 'x']], probe: async () => undefined });

describe('checkDependencies', () => {
  it('passes when every dependency answers', async () => {
    await expect(checkDependencies([ok('queue'), ok('bucket')], { timeoutMs: 1000, log: quiet })).resolves.toBeUndefined();
  });

  it('names every failing dependency with its settings and reason in one configuration error', async () => {
    const failing: Dependency[] = [
      ok('queue'),
      { name: 'bucket', settings: [['CIS_BUCKET', 'nope']], probe: async () => Promise.reject(Object.assign(new Error('UnknownError'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } })) },
      {
        name: 'Bedrock',
        settings: [
          ['CIS_BEDROCK_REGION', 'ap-northeast-1'],
          ['CIS_BEDROCK_MODEL_ID', 'amazon.titan-embed-image-v1'],
        ],
        probe: async () => Promise.reject(Object.assign(new Error('The provided model identifier is invalid.'), { name: 'ValidationException' })),
      },
    ];
    const err = (await checkDependencies(failing, { timeoutMs: 1000, log: quiet }).catch((e: unknown) => e)) as StartupCheckError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      'start-up check failed: bucket (CIS_BUCKET=nope): NotFound: UnknownError (HTTP 404); ' +
        'Bedrock (CIS_BEDROCK_REGION=ap-northeast-1, CIS_BEDROCK_MODEL_ID=amazon.titan-embed-image-v1): ValidationException: The provided model identifier is invalid.',
    );
    expect(err.failures.map((f) => f.name)).toEqual(['bucket', 'Bedrock']);
  });

  it('gives up on a dependency that never answers at the deadline, even when its probe ignores the signal', async () => {
    const hanging: Dependency = { name: 'index', settings: [['CIS_OPENSEARCH_URL', 'https://10.0.0.1']], probe: () => new Promise(() => undefined) };
    const started = Date.now();
    const err = (await checkDependencies([ok('queue'), hanging], { timeoutMs: 300, log: quiet }).catch((e: unknown) => e)) as StartupCheckError;
    expect(err.message).toBe('start-up check failed: index (CIS_OPENSEARCH_URL=https://10.0.0.1): no answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
