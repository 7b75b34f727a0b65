import { startBedrockStandIn, type BedrockStandIn } from './bedrock/standin';
import { startMoto, type MotoServer } from './moto';
import { startServiceQuotasStandIn, type ServiceQuotasStandIn } from './service-quotas/standin';

/**
 * The AWS control-plane APIs a deploy's preflight talks to, on 127.0.0.1: stock moto for
 * everything it implements (STS, SSM, CloudFormation, IAM, S3, SNS, …), and stand-ins for what it
 * lacks: Service Quotas for EC2, the Bedrock catalogue and InvokeModel. `variables` route an AWS SDK
 * v3 process there (AWS_ENDPOINT_URL for moto, AWS_ENDPOINT_URL_<SERVICE> for the stand-ins).
 */
export interface ControlPlane {
  moto: MotoServer;
  serviceQuotas: ServiceQuotasStandIn;
  bedrock: BedrockStandIn;
  region: string;
  variables: Record<string, string>;
  stop(): Promise<void>;
}

export async function startControlPlane(options: { region?: string } = {}): Promise<ControlPlane> {
  const region = options.region ?? 'ap-northeast-1';
  const moto = await startMoto({ region });
  const [serviceQuotas, bedrock] = await Promise.all([startServiceQuotasStandIn(), startBedrockStandIn({ port: 0 })]);
  const { accessKeyId, secretAccessKey } = moto.clientConfig.credentials;
  return {
    moto,
    serviceQuotas,
    bedrock,
    region,
    variables: {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ENDPOINT_URL_SERVICE_QUOTAS: serviceQuotas.url,
      AWS_ENDPOINT_URL_BEDROCK: bedrock.url,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
      CIS_BEDROCK_CONTROL_URL: bedrock.controlUrl,
      CIS_SERVICE_QUOTAS_CONTROL_URL: serviceQuotas.controlUrl,
    },
    stop: async () => {
      await Promise.allSettled([moto.stop(), serviceQuotas.close(), bedrock.close()]);
    },
  };
}
