import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { EMBEDDING_MODEL_ID, TITAN_MULTIMODAL_REGIONS } from '../config/bedrock';
import { describeError, errorName, httpStatus } from './describe-error';
import type { CheckResult, PreflightContext } from './types';

/** A 1×1 grey PNG: the smallest image InvokeModel can be asked to embed. */
export const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWNoaGgAAAMEAYEezv+mAAAAAElFTkSuQmCC';

const elsewhere = (region: string) => TITAN_MULTIMODAL_REGIONS.filter((r) => r !== region).join(', ');

/**
 * The embedding model in the environment's Bedrock region: offered there, and model access
 * granted to the account (GetFoundationModelAvailability, one call for both).
 */
export async function checkBedrockModel(ctx: PreflightContext): Promise<CheckResult> {
  const { config } = ctx;
  const region = config.bedrock.region;
  const base = { id: 'bedrock-model', check: 'Bedrock model access' };
  const where = `${EMBEDDING_MODEL_ID} in ${region}${region === config.region ? '' : ` (the stack runs in ${config.region})`}`;
  const notOffered = {
    ...base,
    state: 'fail' as const,
    detail: `${EMBEDDING_MODEL_ID} is not offered in ${region}`,
    action: `set ${config.name}.bedrock.region to a region that offers it (${elsewhere(region)})`,
  };
  let out;
  try {
    out = await ctx.clients.bedrock(region).send(new GetFoundationModelAvailabilityCommand({ modelId: EMBEDDING_MODEL_ID }));
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return notOffered;
    throw err;
  }
  if (out.regionAvailability !== 'AVAILABLE') return notOffered;
  const grant = `Bedrock console in ${region} → Model access → request access to Titan Multimodal Embeddings G1`;
  if (out.authorizationStatus !== 'AUTHORIZED') return { ...base, state: 'fail', detail: `${where}: model access not granted (${out.authorizationStatus})`, action: grant };
  if (out.entitlementAvailability !== 'AVAILABLE') return { ...base, state: 'fail', detail: `${where}: no entitlement (${out.entitlementAvailability})`, action: grant };
  return { ...base, state: 'pass', detail: `${where}: offered, access granted` };
}

/** `--invoke`: one InvokeModel with a one-pixel image, as the workers call it. */
export async function checkBedrockInvoke(ctx: PreflightContext): Promise<CheckResult> {
  const region = ctx.config.bedrock.region;
  const base = { id: 'bedrock-invoke', check: 'Bedrock InvokeModel (1 px)' };
  const body = JSON.stringify({ inputImage: ONE_PIXEL_PNG, embeddingConfig: { outputEmbeddingLength: 256 } });
  try {
    const out = await ctx.clients.bedrockRuntime(region).send(new InvokeModelCommand({ modelId: EMBEDDING_MODEL_ID, contentType: 'application/json', accept: 'application/json', body }));
    const embedding = (JSON.parse(new TextDecoder().decode(out.body)) as { embedding?: unknown[] }).embedding;
    if (!Array.isArray(embedding) || embedding.length !== 256) return { ...base, state: 'fail', detail: `${region} answered without a 256-number embedding` };
    return { ...base, state: 'pass', detail: `${region} embedded a one-pixel image` };
  } catch (err) {
    const name = errorName(err);
    if (name === 'ThrottlingException' || httpStatus(err) === 429) return { ...base, state: 'warn', detail: `${region} throttled the call: access works, the account's quota is busy` };
    if (name === 'AccessDeniedException') return { ...base, state: 'fail', detail: describeError(err), action: `grant model access in ${region} (Bedrock console → Model access), and bedrock:InvokeModel to these credentials` };
    if (name === 'ValidationException' || name === 'ResourceNotFoundException') return { ...base, state: 'fail', detail: describeError(err), action: `check ${ctx.config.name}.bedrock.region (${region})` };
    throw err;
  }
}
