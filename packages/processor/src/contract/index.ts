/**
 * The processor↔infra contract: names and defaults both sides must agree on. Imports nothing
 * from the rest of the processor, so infra can load it without loading the pipeline.
 */
export { METRIC, METRIC_DIMENSION, METRICS_NAMESPACE, type MetricDimension, type MetricName } from './metrics';
export { desiredCapacity, SCALING_DEFAULTS } from './scaling';
export { BEDROCK_DIMENSIONS, WORKER_DEFAULTS, WORKER_ENV, type WorkerEnvironment, type WorkerVariable } from './worker-environment';
