import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  ListFoundationModelsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-bedrock';
import { AccessDeniedException, BedrockRuntimeClient, InvokeModelCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { BedrockControl } from '../fixtures';
import { startBedrockStandIn, TITAN_MULTIMODAL, type BedrockStandIn } from './standin';

/** The stand-in's model catalogue (the `bedrock` control plane) and the model access InvokeModel enforces. */
let standIn: BedrockStandIn;
let control: BedrockControl;
beforeAll(async () => {
  standIn = await startBedrockStandIn({ port: 0 });
  control = new BedrockControl(standIn.controlUrl);
});
afterAll(() => standIn.close());

const credentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'testing' });
const bedrock = (region: string, key: string) => new BedrockClient({ region, endpoint: standIn.url, credentials: credentials(key), maxAttempts: 1 });
const runtime = (region: string, key: string) => new BedrockRuntimeClient({ region, endpoint: standIn.url, credentials: credentials(key), maxAttempts: 1 });
const invoke = (client: BedrockRuntimeClient) =>
  client.send(new InvokeModelCommand({ modelId: TITAN_MULTIMODAL, contentType: 'application/json', body: JSON.stringify({ inputText: 'probe' }) }));

describe('Bedrock stand-in: control plane', () => {
  it('describes the model, lists it and reports access granted, in any region by default', async () => {
    const client = bedrock('ap-northeast-1', 'key-default');
    const model = await client.send(new GetFoundationModelCommand({ modelIdentifier: TITAN_MULTIMODAL }));
    expect(model.modelDetails).toMatchObject({
      modelId: TITAN_MULTIMODAL,
      modelArn: `arn:aws:bedrock:ap-northeast-1::foundation-model/${TITAN_MULTIMODAL}`,
      outputModalities: ['EMBEDDING'],
      modelLifecycle: { status: 'ACTIVE' },
    });
    const listed = await client.send(new ListFoundationModelsCommand({ byProvider: 'Amazon' }));
    expect(listed.modelSummaries?.map((m) => m.modelId)).toEqual([TITAN_MULTIMODAL]);
    const availability = await client.send(new GetFoundationModelAvailabilityCommand({ modelId: TITAN_MULTIMODAL }));
    expect(availability).toMatchObject({ authorizationStatus: 'AUTHORIZED', regionAvailability: 'AVAILABLE', entitlementAvailability: 'AVAILABLE' });
    client.destroy();
  });

  it('offers the model only in the regions it is told, judged by the signing region', async () => {
    const key = 'key-regions';
    await control.catalogue({ regions: ['us-east-1'] }, key);
    const tokyo = bedrock('ap-northeast-1', key);
    await expect(tokyo.send(new GetFoundationModelCommand({ modelIdentifier: TITAN_MULTIMODAL }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await tokyo.send(new ListFoundationModelsCommand({}))).modelSummaries).toEqual([]);
    const tokyoRuntime = runtime('ap-northeast-1', key);
    await expect(invoke(tokyoRuntime)).rejects.toBeInstanceOf(ValidationException);
    const virginia = runtime('us-east-1', key);
    expect((await invoke(virginia)).body).toBeDefined();
    // Another caller is not affected.
    await expect(bedrock('ap-northeast-1', 'key-other').send(new GetFoundationModelCommand({ modelIdentifier: TITAN_MULTIMODAL }))).resolves.toBeDefined();
    for (const c of [tokyo, tokyoRuntime, virginia]) c.destroy();
  });

  it('refuses InvokeModel with AccessDeniedException, and says NOT_AUTHORIZED, without model access', async () => {
    const key = 'key-denied';
    await control.catalogue({ authorized: false }, key);
    const client = bedrock('us-east-1', key);
    expect((await client.send(new GetFoundationModelAvailabilityCommand({ modelId: TITAN_MULTIMODAL }))).authorizationStatus).toBe('NOT_AUTHORIZED');
    const rt = runtime('us-east-1', key);
    await expect(invoke(rt)).rejects.toBeInstanceOf(AccessDeniedException);
    await control.reset(key);
    await expect(invoke(rt)).resolves.toBeDefined();
    client.destroy();
    rt.destroy();
  });
});
