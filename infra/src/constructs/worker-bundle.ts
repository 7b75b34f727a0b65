import { AssetHashType, Aws, DockerImage } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { buildWorkerBundle, PROCESSOR_DIR, verifyWorkerBundle } from '@cis/processor/bundle';

export interface WorkerBundleProps {
  /**
   * Writes the bundle into `outDir`. Default: @cis/processor/bundle (esbuild +
   * native packages), then its copy check, so a bundle that cannot start never ships.
   */
  build?: (outDir: string) => void;
}

/**
 * The worker bundle as an S3 asset (a zip the instances download at boot). It is built during
 * synth and hashed by its OUTPUT: hashing the source folder instead would ignore node_modules and
 * give two different bundles the same key, and instances would keep downloading stale code.
 */
export class WorkerBundle extends Construct {
  readonly asset: s3assets.Asset;

  constructor(scope: Construct, id: string, props: WorkerBundleProps = {}) {
    super(scope, id);
    const build =
      props.build ??
      ((outDir: string) => {
        buildWorkerBundle({ outDir });
        verifyWorkerBundle(outDir);
      });
    this.asset = new s3assets.Asset(this, 'Asset', {
      // Only the bundling below reads anything; with an OUTPUT hash the source folder is never fingerprinted.
      path: PROCESSOR_DIR,
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Required by the API, never pulled: local bundling either succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
        local: {
          tryBundle(outputDir: string): boolean {
            build(outputDir);
            return true;
          },
        },
      },
    });
  }

  /** The asset's object, for an exact-key read grant (no bucket-wide wildcard). */
  get objectArn(): string {
    return `arn:${Aws.PARTITION}:s3:::${this.asset.s3BucketName}/${this.asset.s3ObjectKey}`;
  }
}
