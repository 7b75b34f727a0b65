import { WORKER_DEFAULTS } from '@cis/processor';

/**
 * Regions where Amazon Bedrock offers Titan Multimodal Embeddings G1 (`amazon.titan-embed-image-v1`,
 * the model the workers embed images with), as AWS's Bedrock user guide lists it under "Supported
 * Regions and models for model copy" (single-Region model support;
 * https://docs.aws.amazon.com/bedrock/latest/userguide/copy-model-support.html, read 2026-12).
 * Asia Pacific (Tokyo), where these stacks run, is not among them. `pnpm infra:preflight` asks the
 * configured region itself (GetFoundationModelAvailability); this list only picks the default and
 * refuses a setting that cannot work. If AWS adds a region, add it here.
 */
export const TITAN_MULTIMODAL_REGIONS: readonly string[] = [
  'us-east-1',
  'us-west-2',
  'ap-south-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
];

/**
 * Where a stack calls the model when its own region does not offer it: US East (N. Virginia), the
 * region with the largest Bedrock quotas and the list prices others are quoted against. The cost
 * of going there (latency, inter-region transfer of every image) is in infra/README.md "Bedrock region".
 */
export const FALLBACK_BEDROCK_REGION = 'us-east-1';

export const EMBEDDING_MODEL_ID = WORKER_DEFAULTS.bedrockModelId;

/** The stack's own region when it offers the model, else the fallback. */
export function defaultBedrockRegion(stackRegion: string): string {
  return TITAN_MULTIMODAL_REGIONS.includes(stackRegion) ? stackRegion : FALLBACK_BEDROCK_REGION;
}
