import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadEnvironment } from './config/load';
import type { EnvironmentConfig } from './config/schema';
import type { WorkerBundleProps } from './constructs/worker-bundle';
import { IngestStack } from './stacks/ingest-stack';

export interface IngestAppOptions extends AppProps {
  /** Overrides the environment picked by context (tests). */
  config?: EnvironmentConfig;
  bundle?: WorkerBundleProps;
}

/**
 * The CDK app: one IngestStack for the environment named by `-c env=<name>` (everything else,
 * initial-load mode included, is that environment's configuration), checked by cdk-nag's AwsSolutions pack and by CloudFormation
 * template validation. Either check failing fails the synth.
 */
export function createIngestApp(options: IngestAppOptions = {}): { app: App; stack: IngestStack } {
  const { config: given, bundle, ...appProps } = options;
  const app = new App(appProps);
  const config = given ?? loadEnvironment(app.node.tryGetContext('env'), { initialLoad: app.node.tryGetContext('initialLoad') });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new IngestStack(app, config.stackName, {
    config,
    bundle,
    env: { account: config.account, region: config.region },
    description: `CIS File Search ingest (${config.name}): file queues, worker fleet, scaling, alarms, dashboard`,
    terminationProtection: config.retainData,
  });
  return { app, stack };
}
