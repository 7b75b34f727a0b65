import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { startMoto, type MotoServer } from '@cis/testbed';
import { main } from '../cli/main';
import { fleetCost } from '../capacity/cost';
import { scenario, type Scenario } from '../../../test/support/worker-harness';
import { sendBodies } from '../../../test/support/s3-load';
import type { LoadStatus } from './load-status';

/** `cis status` against the testbed (SQS, OpenSearch) and moto (Auto Scaling), with hard numbers. */

let s: Scenario | undefined;
let moto: MotoServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
}, 30_000);
afterAll(async () => {
  await moto?.stop();
});

async function runStatus(env: NodeJS.ProcessEnv, args: string[], onOutput: (chunk: string) => void = () => {}): Promise<string> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    onOutput(String(chunk));
    return true;
  });
  try {
    expect(await main(['status', ...args])).toBe(0);
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  return out.join('');
}

/** 4 messages waiting, 1 in the DLQ; 7 documents, 5 of them indexed within the last 5 minutes. */
async function loadInProgress(sc: Scenario): Promise<void> {
  await sendBodies(sc.sqs, sc.queueUrl, ['a', 'b', 'c', 'd'].map((k) => JSON.stringify({ k })));
  await sendBodies(sc.sqs, sc.dlqUrl, ['{"poison":true}']);
  const client = sc.index.client;
  await client.indices.create({ index: sc.name, body: { mappings: { properties: { indexedAt: { type: 'date' }, path: { type: 'keyword' } } } } as never });
  const now = Date.now();
  const ages = [30_000, 60_000, 90_000, 120_000, 200_000, 2 * 3600_000, 3 * 3600_000];
  for (const [i, age] of ages.entries()) {
    await client.index({ index: sc.name, id: `d${i}`, body: { path: `p${i}`, indexedAt: new Date(now - age).toISOString() } });
  }
  await client.indices.refresh({ index: sc.name });
}

function statusEnv(sc: Scenario): NodeJS.ProcessEnv {
  return { CIS_QUEUE_URL: sc.queueUrl, CIS_DLQ_URL: sc.dlqUrl, CIS_OPENSEARCH_URL: sc.tb.opensearchUrl, CIS_OPENSEARCH_INDEX: sc.name, CIS_AUTOSCALING_GROUP_NAME: '' };
}

describe('cis status', () => {
  it('shows queue, DLQ, documents, rate and ETA from the testbed; the group and cost n/a with why', async () => {
    s = await scenario('status');
    await loadInProgress(s);
    const status = JSON.parse(await runStatus(statusEnv(s), ['--json', '--window', '5'])) as LoadStatus;
    expect(status.queue).toEqual({ available: true, visible: 4, inFlight: 0, delayed: 0, dlq: 1 });
    expect(status.index).toMatchObject({ available: true, documents: 7, perMinute: 1, windowMinutes: 5 });
    // 4 files left at 1 document per minute.
    expect(status.etaMinutes).toBe(4);
    expect(status.group).toEqual({ available: false, why: 'no Auto Scaling group configured (CIS_AUTOSCALING_GROUP_NAME)' });
    expect(status.cost).toEqual({ available: false, why: 'needs the group (instances and their type)' });

    const table = await runStatus(statusEnv(s), ['--window', '5']);
    expect(table).toMatch(/queue visible\s+4\n/);
    expect(table).toMatch(/dead-letter queue\s+1\n/);
    expect(table).toMatch(/documents indexed\s+7\n/);
    expect(table).toMatch(/rate \(last 5 min\)\s+1 docs\/min\n/);
    expect(table).toMatch(/ETA\s+4 min\n/);
    expect(table).toMatch(/group\s+n\/a \(no Auto Scaling group configured/);
  }, 60_000);

  it('--watch redraws in place and takes the rate from its own samples of the count', async () => {
    s = await scenario('status-watch');
    await loadInProgress(s);
    const sc = s;
    // Between the two refreshes (once the first is printed), 6 more documents arrive.
    let more: Promise<void> | undefined;
    const addSix = async () => {
      for (let i = 0; i < 6; i++) await sc.index.client.index({ index: sc.name, id: `n${i}`, body: { path: `n${i}`, indexedAt: new Date().toISOString() } });
      await sc.index.client.indices.refresh({ index: sc.name });
    };
    const out = await runStatus(statusEnv(s), ['--watch', '--times', '2', '--interval', '3', '--json'], () => void (more ??= addSix()));
    await more;
    const [first, second] = out.trim().split('\n').map((l) => JSON.parse(l) as LoadStatus & { index: { documents: number; perMinute: number } });
    expect(first.index.documents).toBe(7);
    expect(second.index.documents).toBe(13);
    // 6 documents over the time between the two samples.
    const minutes = (Date.parse(second.at) - Date.parse(first.at)) / 60_000;
    expect(second.index.perMinute).toBeCloseTo(6 / minutes, 6);

    const screen = await runStatus(statusEnv(s), ['--watch', '--times', '2', '--interval', '1']);
    expect(screen.split('\x1b[H\x1b[2J')).toHaveLength(3);
    expect(screen).toContain('documents indexed  ');
  }, 60_000);

  it('reads the group from Auto Scaling (moto): desired / in service, on demand vs spot by its distribution, cost at the planner prices', async () => {
    moto = await startMoto();
    s = await scenario('status-asg');
    await loadInProgress(s);
    // EC2's CreateLaunchTemplate through moto's query API (no EC2 client in this project).
    const form = new URLSearchParams({
      Action: 'CreateLaunchTemplate',
      Version: '2016-11-15',
      LaunchTemplateName: 'cis-workers',
      'LaunchTemplateData.ImageId': 'ami-12c6146b',
      'LaunchTemplateData.InstanceType': 'c5.xlarge',
    });
    const res = await fetch(`${moto.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20261206/ap-northeast-1/ec2/aws4_request' },
      body: form,
    });
    expect(res.status).toBe(200);
    const asg = new AutoScalingClient(moto.clientConfig);
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'cis-test-workers',
        MinSize: 2,
        MaxSize: 150,
        DesiredCapacity: 7,
        AvailabilityZones: ['ap-northeast-1a'],
        MixedInstancesPolicy: {
          LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'cis-workers', Version: '$Latest' }, Overrides: [{ InstanceType: 'c5.xlarge' }] },
          InstancesDistribution: { OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 20 },
        },
      }),
    );
    asg.destroy();

    const env = { ...statusEnv(s), CIS_AUTOSCALING_GROUP_NAME: 'cis-test-workers', AWS_ENDPOINT_URL_AUTO_SCALING: moto.endpoint, AWS_REGION: moto.clientConfig.region };
    const status = JSON.parse(await runStatus(env, ['--json', '--window', '5'])) as LoadStatus;
    // 2 on demand as the base, 20% of the 5 above it (rounded up) on demand too, the rest spot.
    expect(status.group).toEqual({ available: true, name: 'cis-test-workers', min: 2, max: 150, desired: 7, inService: 7, onDemand: 3, spot: 4, instanceType: 'c5.xlarge' });
    const perHour = fleetCost({ instances: 7, hours: 1, pricePerHour: 0.192, onDemandBase: 3, spotDiscount: 0.7 });
    expect(perHour).toBeCloseTo(0.192 * (3 + 4 * 0.3), 9);
    if (!status.cost.available) throw new Error(`cost not available: ${status.cost.why}`);
    expect(status.cost.perHour).toBeCloseTo(perHour, 9);
    // Since the first document (3 h ago), and for the 4 minutes of ETA.
    expect(status.cost.soFar).toBeCloseTo(perHour * 3, 2);
    expect(status.cost.projected).toBeCloseTo(perHour * (3 + 4 / 60), 2);

    const table = await runStatus(env, ['--window', '5']);
    expect(table).toMatch(/instances desired \/ in service\s+7 \/ 7\n/);
    expect(table).toMatch(/on demand \/ spot\s+3 \/ 4 \(c5.xlarge\)\n/);
    expect(table).toMatch(/cost per hour\s+\$0\.81\n/);
  }, 90_000);
});
