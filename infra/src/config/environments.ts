import type { EnvironmentInput } from './schema';

/**
 * The environments, in the one place they are configured. Unset values take the defaults in
 * schema.ts (production runs on them: 2–50 instances, 150 in initial-load mode). Replace the
 * bucket names, e-mail addresses and endpoints with your own before the first deploy.
 */
export const ENVIRONMENTS = {
  dev: {
    region: 'ap-northeast-1',
    sourceBucket: { name: 'cis-source-dev' },
    fleet: { minCapacity: 1, maxCapacity: 4, initialLoadMaxCapacity: 8, onDemandBaseCapacity: 1, rootVolumeGiB: 30 },
    alarms: { email: 'cis-dev-alerts@example.com', oldestMessageAgeSeconds: 6 * 3600 },
    opensearch: { mode: 'create', domainName: 'cis-dev', dataNodeType: 't3.medium.search', dataNodes: 1, volumeGiB: 20 },
    network: { availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'], natGateways: 1 },
    cost: { steadyStateInstances: 1, initialLoadFiles: 10_000 },
    retainData: false,
  },
  staging: {
    region: 'ap-northeast-1',
    sourceBucket: { name: 'cis-source-staging' },
    fleet: { minCapacity: 2, maxCapacity: 10, initialLoadMaxCapacity: 20 },
    alarms: { email: 'cis-staging-alerts@example.com' },
    // A shared test cluster that already exists (and signs requests with SigV4).
    opensearch: {
      mode: 'existing',
      endpoint: 'https://search-cis-staging-abc123xyz.ap-northeast-1.es.amazonaws.com',
      domainArn: 'arn:aws:es:ap-northeast-1:111122223333:domain/cis-staging',
    },
    network: { cidr: '10.41.0.0/16', availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'] },
    cost: { steadyStateInstances: 2, initialLoadFiles: 100_000 },
  },
  production: {
    region: 'ap-northeast-1',
    sourceBucket: { name: 'cis-source-production' },
    alarms: { email: 'cis-alerts@example.com' },
    opensearch: {
      mode: 'create',
      domainName: 'cis-production',
      dataNodeType: 'r6g.large.search',
      dataNodes: 4,
      masterNodes: 3,
      zoneAwareness: true,
      volumeGiB: 500,
    },
    network: { cidr: '10.42.0.0/16', availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'], natGateways: 2 },
    cost: { steadyStateInstances: 3, initialLoadFiles: 5_000_000 },
  },
} satisfies Record<string, EnvironmentInput>;

export type EnvironmentName = keyof typeof ENVIRONMENTS;
