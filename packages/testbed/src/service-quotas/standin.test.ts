import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, NoSuchResourceException, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { startServiceQuotasStandIn, type ServiceQuotasStandIn } from './standin';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let standIn: ServiceQuotasStandIn;
beforeAll(async () => {
  standIn = await startServiceQuotasStandIn({ quotas: [{ serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 32, quotaName: 'Running On-Demand Standard instances' }] });
});
afterAll(() => standIn.close());

describe('Service Quotas stand-in', () => {
  it('answers GetServiceQuota with the value it was given, reached through AWS_ENDPOINT_URL_SERVICE_QUOTAS', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SERVICE_QUOTAS;
    process.env.AWS_ENDPOINT_URL_SERVICE_QUOTAS = standIn.url;
    const client = new ServiceQuotasClient({ region: 'ap-northeast-1', credentials });
    try {
      const out = await client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }));
      expect(out.Quota).toMatchObject({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A', Value: 32, QuotaName: 'Running On-Demand Standard instances' });
      standIn.set({ serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 640 });
      expect((await client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }))).Quota?.Value).toBe(640);
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SERVICE_QUOTAS;
      else process.env.AWS_ENDPOINT_URL_SERVICE_QUOTAS = saved;
    }
  });

  it('raises NoSuchResourceException for a quota it holds no value of, and keeps AWS defaults apart', async () => {
    const client = new ServiceQuotasClient({ region: 'ap-northeast-1', credentials, endpoint: standIn.url, maxAttempts: 1 });
    try {
      const missing = await client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-34B43A08' })).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NoSuchResourceException);
      standIn.set({ serviceCode: 'ec2', quotaCode: 'L-34B43A08', value: 5, isDefault: true });
      expect((await client.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-34B43A08' }))).Quota?.Value).toBe(5);
      await expect(client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-34B43A08' }))).rejects.toBeInstanceOf(NoSuchResourceException);
      standIn.reset();
      await expect(client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }))).rejects.toBeInstanceOf(NoSuchResourceException);
      // The same from another process, through the control API.
      const control = (path: string, body: object) => fetch(`${standIn.controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
      expect((await control('/quotas', { serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 5 })).status).toBe(200);
      expect((await client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }))).Quota?.Value).toBe(5);
      expect((await control('/quotas', { serviceCode: 'ec2' })).status).toBe(400);
      await control('/reset', {});
      await expect(client.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }))).rejects.toBeInstanceOf(NoSuchResourceException);
    } finally {
      client.destroy();
    }
  });
});
