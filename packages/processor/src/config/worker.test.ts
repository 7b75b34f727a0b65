import { ConfigError } from '../core/errors';
import { bedrockSettings, openSearchSettings, workerSettings } from './worker';

const base = {
  CIS_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/cis-files',
  CIS_BUCKET: 'cis-files-bucket',
  CIS_OPENSEARCH_URL: 'https://search-cis-abc.ap-northeast-1.es.amazonaws.com',
  AWS_REGION: 'ap-northeast-1',
};

describe('workerSettings', () => {
  it('has production defaults', () => {
    const s = workerSettings({ ...base, CIS_OCR_THREADS: '4' });
    expect(s.queue).toEqual({ receiveBatch: 10, waitSeconds: 20, visibilitySeconds: 900, heartbeatMarginSeconds: 120, retryDelaySeconds: 60, maxFreeReleases: 20 });
    expect(s.filesInFlight).toBe(8);
    expect(s.prefetch).toBe(8);
    expect(s.bulk.maxBytes).toBe(10_000_000);
    expect(s.opensearch.auth).toEqual({ kind: 'sigv4', region: 'ap-northeast-1', service: 'es' });
    expect(s.opensearch.index).toBe('cis-files');
    expect(s.opensearch.statusIndex).toBe('cis-files-status');
    expect(s.bedrock).toMatchObject({ embedImages: true, modelId: 'amazon.titan-embed-image-v1', dimensions: 1024, requestsPerSecond: 20, concurrency: 10 });
    expect(s.drainDeadlineMs).toBe(110_000);
    expect(s.spot).toEqual({ enabled: true, imdsEndpoint: 'http://169.254.169.254', pollMs: 5000 });
    expect(s.s3ForcePathStyle).toBe(false);
    expect(s.initialLoad).toBe(false);
  });

  it('uses path-style S3 and no auth against local endpoints', () => {
    const s = workerSettings({
      ...base,
      CIS_OPENSEARCH_URL: 'http://127.0.0.1:9200/',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9090',
      CIS_INITIAL_LOAD: 'true',
      CIS_EMBED_IMAGES: 'false',
      CIS_IMDS_ENDPOINT: 'http://127.0.0.1:1338',
    });
    expect(s.s3ForcePathStyle).toBe(true);
    expect(s.opensearch.auth).toEqual({ kind: 'none' });
    expect(s.opensearch.endpoint).toBe('http://127.0.0.1:9200');
    expect(s.initialLoad).toBe(true);
    expect(s.bedrock.embedImages).toBe(false);
    expect(s.spot.imdsEndpoint).toBe('http://127.0.0.1:1338');
  });

  it('calls Bedrock in CIS_BEDROCK_REGION when set, else in the worker\'s own region', () => {
    expect(workerSettings({ ...base, CIS_BEDROCK_REGION: 'us-east-1' }).bedrock.region).toBe('us-east-1');
    expect(workerSettings(base).bedrock.region).toBe('ap-northeast-1');
    expect(bedrockSettings({ AWS_DEFAULT_REGION: 'eu-west-1', CIS_BEDROCK_REGION: '' }).region).toBe('eu-west-1');
  });

  it('reads basic auth for a self-run cluster', () => {
    const s = openSearchSettings({ CIS_OPENSEARCH_URL: 'https://os.internal:9200', CIS_OPENSEARCH_USERNAME: 'cis', CIS_OPENSEARCH_PASSWORD: 'pw' });
    expect(s.auth).toEqual({ kind: 'basic', username: 'cis', password: 'pw' });
  });

  it.each([
    [{ CIS_QUEUE_URL: undefined }, /CIS_QUEUE_URL: required/],
    [{ CIS_OPENSEARCH_URL: 'not a url' }, /CIS_OPENSEARCH_URL/],
    [{ CIS_RECEIVE_BATCH: '11' }, /CIS_RECEIVE_BATCH/],
    [{ CIS_RECEIVE_WAIT_S: '25' }, /CIS_RECEIVE_WAIT_S/],
    [{ CIS_BULK_MB: '500' }, /CIS_BULK_MB/],
    [{ CIS_BEDROCK_DIMENSIONS: '512' }, /CIS_BEDROCK_DIMENSIONS: expected 256, 384 or 1024/],
    [{ CIS_BEDROCK_REGION: 'virginia' }, /CIS_BEDROCK_REGION: expected an AWS region/],
    [{ CIS_INITIAL_LOAD: 'maybe' }, /CIS_INITIAL_LOAD: expected true or false/],
    [{ CIS_VISIBILITY_TIMEOUT_S: '60', CIS_HEARTBEAT_MARGIN_S: '60' }, /CIS_HEARTBEAT_MARGIN_S \(60\) must be less than CIS_VISIBILITY_TIMEOUT_S/],
    [{ CIS_OPENSEARCH_AUTH: 'basic' }, /needs CIS_OPENSEARCH_USERNAME/],
    [{ CIS_OPENSEARCH_AUTH: 'sigv4', AWS_REGION: undefined }, /needs AWS_REGION/],
  ])('rejects %j naming the setting', (over, message) => {
    const env = { ...base, ...over } as NodeJS.ProcessEnv;
    expect(() => workerSettings(env)).toThrow(ConfigError);
    expect(() => workerSettings(env)).toThrow(message);
  });
});
