import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import type { OpenSearchSettings } from '../../config/worker';

/**
 * A client for the configured endpoint: SigV4 with the SDK's default credential chain (instance
 * role on EC2) for Amazon OpenSearch Service, basic auth or none for a self-run cluster or the
 * testbed. The client never retries on its own: the bulk writer decides, item by item.
 */
export function createOpenSearchClient(settings: Pick<OpenSearchSettings, 'endpoint' | 'auth' | 'requestTimeoutMs'>): Client {
  const common: ClientOptions = {
    node: settings.endpoint,
    maxRetries: 0,
    requestTimeout: settings.requestTimeoutMs,
    agent: { keepAlive: true, maxSockets: 16 },
  };
  const { auth } = settings;
  switch (auth.kind) {
    case 'sigv4':
      return new Client({
        ...AwsSigv4Signer({ region: auth.region, service: auth.service, getCredentials: defaultProvider() }),
        ...common,
      });
    case 'basic':
      return new Client({ ...common, auth: { username: auth.username, password: auth.password } });
    case 'none':
      return new Client(common);
  }
}
