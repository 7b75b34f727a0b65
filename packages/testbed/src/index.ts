export { testbedEnv, NoTestbedError, type TestbedEnv } from './env';
export { uniqueName, awsClientConfig, createQueuePair, BedrockControl } from './fixtures';
export { startBedrockStandIn, TITAN_MULTIMODAL, type BedrockStandIn, type FaultKind, type InvocationStats } from './bedrock/standin';
export { LIMITS as TITAN_LIMITS } from './bedrock/request';
export { up, down, status, TestbedStartError } from './control';
export { RESOURCES } from './layout';
export { startMoto, MOTO_ACCOUNT_ID, MotoUnavailableError, type MotoServer } from './moto';
export { PeakRssSampler, treeRss } from './rss';
