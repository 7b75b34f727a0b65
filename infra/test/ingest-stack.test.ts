import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { METRICS_NAMESPACE, WORKER_DEFAULTS } from '@cis/processor';
import { ENVIRONMENTS } from '../src/config/environments';
import { parseEnvironment } from '../src/config/load';
import { DRAIN_HOOK_NAME } from '../src/constructs/worker-fleet';
import { WORKER_FAILED_METRIC } from '../src/constructs/worker-user-data';
import { baselineDifference } from '../src/baseline';
import { Synthesizer } from '../src/synth';
import { onlyResource, renderText, resourcesOfType, userDataText } from './template-text';

// One synthesis per environment for the whole file (synth is the slow part).
const synth = new Synthesizer();
afterAll(() => synth.dispose());

const production = () => synth.synth('production');
const productionTemplate = () => Template.fromStack(production().stack);

describe('stack names and environments', () => {
  it('names each stack after its environment and protects production from deletion', () => {
    expect(production().stack.stackName).toBe('CisIngest-production');
    expect(synth.synth('dev').stack.stackName).toBe('CisIngest-dev');
    expect(production().stack.terminationProtection).toBe(true);
    expect(synth.synth('dev').stack.terminationProtection).toBe(false);
    expect(production().stack.region).toBe('ap-northeast-1');
  });
});

describe('queues', () => {
  it('creates the file queue with 900 s visibility, SSE, and redrive to the DLQ after 3 receives', () => {
    const t = productionTemplate();
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'cis-production-file-processing-queue',
      VisibilityTimeout: 900,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'cis-production-file-processing-dlq',
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });

  it('refuses requests without TLS on both queues', () => {
    const policies = resourcesOfType(production().template, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2);
    for (const [, p] of policies) {
      expect(p.PolicyDocument).toMatchObject({
        Statement: [{ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
      });
    }
  });
});

describe('worker fleet', () => {
  it('mixes on-demand and spot: 3 types, 2 on-demand base, 20% above it, capacity-optimized, rebalancing', () => {
    productionTemplate().hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AutoScalingGroupName: 'cis-production-workers',
      CapacityRebalance: true,
      MixedInstancesPolicy: {
        InstancesDistribution: { OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 20, SpotAllocationStrategy: 'capacity-optimized' },
        LaunchTemplate: { Overrides: [{ InstanceType: 'c5.xlarge' }, { InstanceType: 'c5a.xlarge' }, { InstanceType: 'c6i.xlarge' }] },
      },
    });
  });

  it('runs 2–50 instances (no fixed desired size), EC2 health checks after 300 s, oldest first out, group metrics on', () => {
    const group = onlyResource(production().template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(group).toMatchObject({
      MinSize: '2',
      MaxSize: '50',
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 300,
      TerminationPolicies: ['OldestInstance'],
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
    // A DesiredCapacity in the template would reset a scaled-out fleet to it on every deploy.
    expect(group).not.toHaveProperty('DesiredCapacity');
    expect(group).not.toHaveProperty('LoadBalancerNames');
    expect(group).not.toHaveProperty('TargetGroupARNs');
  });

  it('grows to 150 instances in initial-load mode and tells the worker', () => {
    const initialLoad = synth.synth('production', { initialLoad: true });
    expect(onlyResource(initialLoad.template, 'AWS::AutoScaling::AutoScalingGroup')).toMatchObject({ MinSize: '2', MaxSize: '150' });
    expect(userDataText(initialLoad.template)).toContain('\nCIS_INITIAL_LOAD=true\n');
    expect(userDataText(production().template)).toContain('\nCIS_INITIAL_LOAD=false\n');
  });

  it('initial-load mode is a reviewed change of the template: cdk diff against the committed baseline shows MaxSize and the worker setting', async () => {
    const on = synth.synth('production', { initialLoad: true });
    // The committed baseline is the environment as configured (off): a deploy that turns the mode
    // on or off is a visible template change, never a silent command-line switch.
    const difference = await baselineDifference(on.stack.stackName, on.template, on.outdir);
    expect(difference).toMatch(/MaxSize/);
    expect(difference).toMatch(/"50"|50/);
    expect(difference).toMatch(/150/);
    expect(await baselineDifference(production().stack.stackName, production().template, production().outdir)).toBeUndefined();
  }, 120_000);

  it('tags instances Name and Workload=OCR-Processing', () => {
    const group = onlyResource(production().template, 'AWS::AutoScaling::AutoScalingGroup') as { Tags: unknown[] };
    expect(group.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'Name', Value: 'cis-production-worker', PropagateAtLaunch: true },
        { Key: 'Workload', Value: 'OCR-Processing', PropagateAtLaunch: true },
      ]),
    );
  });

  it('holds terminating instances for the drain: 180 s hook, longer than the 110 s drain plus systemd margin', () => {
    productionTemplate().hasResourceProperties('AWS::AutoScaling::LifecycleHook', {
      LifecycleHookName: DRAIN_HOOK_NAME,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      HeartbeatTimeout: 180,
      DefaultResult: 'CONTINUE',
    });
    const script = userDataText(production().template);
    expect(script).toContain('\nCIS_DRAIN_DEADLINE_S=110\n');
    expect(script).toContain('\nTimeoutStopSec=130\n');
    expect(script).toMatch(/complete-lifecycle-action .*--auto-scaling-group-name cis-production-workers --lifecycle-hook-name drain-worker/);
  });
});

describe('launch template', () => {
  it('boots Amazon Linux 2023 with IMDSv2 only, no SSH key, an encrypted root volume and an instance profile', () => {
    const data = (onlyResource(production().template, 'AWS::EC2::LaunchTemplate') as { LaunchTemplateData: Record<string, unknown> }).LaunchTemplateData;
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(data).not.toHaveProperty('KeyName');
    expect(data.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, DeleteOnTermination: true, VolumeSize: 50, VolumeType: 'gp3' } }]);
    expect(data.IamInstanceProfile).toBeDefined();
    const imageParam = (data.ImageId as { Ref: string }).Ref;
    expect((production().template.Parameters as Record<string, { Default: string }>)[imageParam]!.Default).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64',
    );
  });

  it('gives the instance role exactly what the worker needs', () => {
    const { stack, template } = production();
    const roleId = stack.getLogicalId(stack.fleet.role.node.defaultChild as iam.CfnRole);
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Roles).includes(roleId));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]![1].PolicyDocument as { Statement: Array<{ Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }> }).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const text = (v: unknown) => renderText(v as never);

    expect(Object.keys(bySid).sort()).toEqual(
      ['AgentDimensions', 'ConsumeFileMessages', 'EmbedImages', 'IndexDocuments', 'LifecycleAndHealth', 'ListSourceBucket', 'PublishMetrics', 'ReadSourceObjects', 'ReadWorkerBundle', 'ShipLogs'].sort(),
    );
    expect([bySid.ConsumeFileMessages!.Action].flat().sort()).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    expect(bySid.ConsumeFileMessages!.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.queues.queue.node.defaultChild as never), 'Arn'] });
    expect(bySid.ReadSourceObjects).toMatchObject({ Action: 's3:GetObject' });
    expect(text(bySid.ReadSourceObjects!.Resource)).toBe('arn:<AWS::Partition>:s3:::cis-source-production/*');
    expect(text(bySid.ListSourceBucket!.Resource)).toBe('arn:<AWS::Partition>:s3:::cis-source-production');
    expect(bySid.EmbedImages).toMatchObject({ Action: 'bedrock:InvokeModel' });
    // Tokyo does not offer the model: the grant names the region the workers call.
    expect(text(bySid.EmbedImages!.Resource)).toBe(`arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/${WORKER_DEFAULTS.bedrockModelId}`);
    expect([bySid.IndexDocuments!.Action].flat().sort()).toEqual(['es:ESHttpDelete', 'es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut']);
    expect((bySid.IndexDocuments!.Resource as unknown[]).map(text)).toEqual([
      'arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/cis-production',
      'arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/cis-production/*',
    ]);
    expect(bySid.PublishMetrics).toMatchObject({
      Action: 'cloudwatch:PutMetricData',
      Condition: { StringEquals: { 'cloudwatch:namespace': ['CWAgent', METRICS_NAMESPACE] } },
    });
    // The bundle is readable by its exact key, not the whole asset bucket.
    expect(text(bySid.ReadWorkerBundle!.Resource)).toMatch(/^arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-ap-northeast-1\/[0-9a-f]{64}\.zip$/);
    expect([bySid.LifecycleAndHealth!.Action].flat().sort()).toEqual(['autoscaling:CompleteLifecycleAction', 'autoscaling:SetInstanceHealth']);
    for (const s of statements) {
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
    }
    productionTemplate().hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
  });

  it('installs Node.js 20, downloads the bundle asset and runs `node cis.js worker` under systemd, restarting on failure', () => {
    const script = userDataText(production().template);
    expect(script).toContain('dnf install -y nodejs20 amazon-cloudwatch-agent');
    expect(script).toMatch(/\naws s3 cp .* "s3:\/\/cdk-hnb659fds-assets-<AWS::AccountId>-ap-northeast-1\/[0-9a-f]{64}\.zip" \/tmp\/worker-bundle\.zip\n/);
    expect(script).toContain('ExecStart=/usr/bin/node-20 --enable-source-maps /opt/cis/worker/cis.js worker');
    expect(script).toContain('Restart=on-failure');
    expect(script).toContain('systemctl enable --now cis-worker.service');
  });

  it('gives the worker what its extraction sandbox needs: util-linux, a memory cap on the service that leaves it running when the kernel kills an extraction process', () => {
    const script = userDataText(production().template);
    expect(script).toMatch(/\ndnf install -y .*\butil-linux\b/);
    const unit = script.slice(script.indexOf('[Service]'), script.indexOf('[Install]'));
    expect(unit).toContain('\nMemoryMax=90%\n');
    // systemd's default (stop) would take the whole service down with one killed extraction process.
    expect(unit).toContain('\nOOMPolicy=continue\n');
  });

  it('passes the worker its settings from the stack', () => {
    const { stack } = production();
    const queueId = stack.getLogicalId(stack.queues.queue.node.defaultChild as never);
    const env = envFile(userDataText(production().template));
    expect(env).toMatchObject({
      AWS_REGION: '<AWS::Region>',
      CIS_QUEUE_URL: `<${queueId}>`,
      CIS_BUCKET: 'cis-source-production',
      CIS_OPENSEARCH_URL: expect.stringMatching(/^https:\/\/<Search.*\.DomainEndpoint>$/),
      CIS_INITIAL_LOAD: 'false',
      CIS_VISIBILITY_TIMEOUT_S: '900',
      CIS_AUTOSCALING_GROUP_NAME: 'cis-production-workers',
      AWS_EMF_ENVIRONMENT: 'EC2',
      CIS_BEDROCK_REGION: 'us-east-1',
    });
    // An existing domain's endpoint is passed as configured.
    expect(envFile(userDataText(synth.synth('staging').template)).CIS_OPENSEARCH_URL).toBe('https://search-cis-staging-abc123xyz.ap-northeast-1.es.amazonaws.com');
  });

  it('takes an instance whose worker failed for good out of service, and counts it, unless it is terminating', () => {
    const script = userDataText(production().template);
    const unit = script.split("cat > /etc/systemd/system/cis-worker.service <<'EOF'\n")[1]!.split('\nEOF')[0]!;
    expect(unit).toContain('\nOnFailure=cis-worker-failed.service\n');
    // A crash loop fails the unit too: 5 restarts within 10 minutes.
    expect(unit).toContain('\nStartLimitIntervalSec=600\nStartLimitBurst=5\n');
    expect(unit).toContain('\nRestartPreventExitStatus=2\n');
    const failed = script.split("cat > /usr/local/bin/cis-worker-failed <<'EOF'\n")[1]!.split('\nEOF')[0]!.split('\n');
    const at = (pattern: RegExp) => failed.findIndex((line) => pattern.test(line));
    expect(at(/^\[ "\$\(imds autoscaling\/target-lifecycle-state\)" = InService \] \|\| exit 0$/)).toBeGreaterThan(0);
    expect(at(/aws cloudwatch put-metric-data .*--namespace CISFileSearch --metric-name WorkerFailed --dimensions AutoScalingGroupName=cis-production-workers --value 1/)).toBeGreaterThan(
      at(/target-lifecycle-state/),
    );
    expect(at(/aws autoscaling set-instance-health .*--health-status Unhealthy --no-should-respect-grace-period$/)).toBeGreaterThan(at(/put-metric-data/));
    expect(script).toContain("cat > /etc/systemd/system/cis-worker-failed.service <<'EOF'\n[Unit]\n");
    expect(script).toMatch(/\nType=oneshot\nExecStart=\/usr\/local\/bin\/cis-worker-failed\n/);
  });

  it('ships mem_used_percent and the EMF records through the CloudWatch agent', () => {
    const script = userDataText(production().template);
    const agent = JSON.parse(script.split("cis-worker.json <<'EOF'\n")[1]!.split('\nEOF')[0]!) as {
      metrics: { metrics_collected: unknown; aggregation_dimensions: unknown };
      logs: { metrics_collected: unknown };
    };
    expect(agent.metrics.metrics_collected).toEqual({ mem: { measurement: ['mem_used_percent'] } });
    expect(agent.metrics.aggregation_dimensions).toEqual([['AutoScalingGroupName']]);
    expect(agent.logs.metrics_collected).toEqual({ emf: {} });
  });

  it('keeps user data far below the 16 KiB EC2 limit, even with 256-character values for every reference', () => {
    for (const env of ['dev', 'staging', 'production']) {
      const worstCase = Buffer.byteLength(userDataText(synth.synth(env).template, () => 'x'.repeat(256)));
      expect(worstCase).toBeLessThan(8 * 1024);
    }
  });
});

describe('scaling', () => {
  it('tracks 100 visible messages per in-service instance with metric math', () => {
    productionTemplate().hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 60,
      TargetTrackingConfiguration: {
        TargetValue: 100,
        CustomizedMetricSpecification: {
          Metrics: [
            Match.objectLike({
              Id: 'visible',
              ReturnData: false,
              MetricStat: {
                Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }] },
                Stat: 'Sum',
              },
            }),
            Match.objectLike({
              Id: 'inService',
              ReturnData: false,
              MetricStat: {
                Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'cis-production-workers' }] },
                Stat: 'Average',
              },
            }),
            Match.objectLike({ Id: 'backlogPerInstance', Expression: 'IF(inService > 0, visible / inService, visible)', ReturnData: true }),
          ],
        },
      },
    });
  });

  it('tracks 70% CPU and 500 files/hour per instance', () => {
    const t = productionTemplate();
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      EstimatedInstanceWarmup: 60,
      TargetTrackingConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
    });
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      EstimatedInstanceWarmup: 60,
      TargetTrackingConfiguration: {
        TargetValue: 500,
        CustomizedMetricSpecification: {
          Namespace: METRICS_NAMESPACE,
          MetricName: 'ProcessingThroughput',
          Statistic: 'Average',
          Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'cis-production-workers' }],
        },
      },
    });
  });

  it('expresses pacing as a 60 s instance warm-up: target tracking takes no cooldown', () => {
    const policies = resourcesOfType(production().template, 'AWS::AutoScaling::ScalingPolicy');
    expect(policies).toHaveLength(3);
    for (const [, p] of policies) {
      expect(p).toMatchObject({ PolicyType: 'TargetTrackingScaling', EstimatedInstanceWarmup: 60 });
      expect(p).not.toHaveProperty('Cooldown');
    }
  });
});

describe('alarms', () => {
  const alarm = (name: string) => {
    const found = resourcesOfType(production().template, 'AWS::CloudWatch::Alarm').find(([, a]) => a.AlarmName === name);
    if (!found) throw new Error(`no alarm ${name}`);
    return found[1];
  };

  it('sends eight alarms, and their recovery, to the e-mail topic', () => {
    const alarms = resourcesOfType(production().template, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([, a]) => a.AlarmName).sort()).toEqual(
      ['cpu-high', 'dead-letters', 'memory-high', 'no-instance-in-service', 'oldest-message', 'queue-depth', 'throughput-low', 'worker-not-running'].map(
        (n) => `cis-production-${n}`,
      ),
    );
    const { stack } = production();
    const topic = { Ref: stack.getLogicalId(stack.monitoring.topic.node.defaultChild as never) };
    for (const [, a] of alarms) {
      expect(a.AlarmActions).toEqual([topic]);
      expect(a.OKActions).toEqual([topic]);
    }
    productionTemplate().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'cis-alerts@example.com', TopicArn: topic });
  });

  it('uses the configured thresholds and periods', () => {
    expect(alarm('cis-production-queue-depth')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      Period: 300,
    });
    expect(alarm('cis-production-cpu-high')).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 85, EvaluationPeriods: 3, Period: 300, Statistic: 'Average' });
    expect(alarm('cis-production-memory-high')).toMatchObject({ Namespace: 'CWAgent', MetricName: 'mem_used_percent', Threshold: 80, EvaluationPeriods: 3, Period: 300 });
    expect(alarm('cis-production-dead-letters')).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    expect(alarm('cis-production-no-instance-in-service')).toMatchObject({
      MetricName: 'GroupInServiceInstances',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      Period: 300,
      TreatMissingData: 'breaching',
    });
    expect(alarm('cis-production-oldest-message')).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 3600 });
    const devOldest = resourcesOfType(synth.synth('dev').template, 'AWS::CloudWatch::Alarm').find(([, a]) => a.AlarmName === 'cis-dev-oldest-message');
    expect(devOldest?.[1]).toMatchObject({ Threshold: 6 * 3600 });
  });

  it('alarms when an in-service instance reports its worker failed, within any of the last three 5-minute periods', () => {
    expect(alarm('cis-production-worker-not-running')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: WORKER_FAILED_METRIC,
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'cis-production-workers' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('judges throughput (< 200 files/hour per instance over an hour) only while files wait', () => {
    const a = alarm('cis-production-throughput-low') as { Metrics: Array<Record<string, unknown>> } & Record<string, unknown>;
    expect(a).toMatchObject({ Threshold: 200, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1 });
    const expression = a.Metrics.find((m) => m.Expression);
    expect(expression).toMatchObject({ Expression: 'IF(visible > 0, FILL(throughput, 0), 200)' });
    const throughput = a.Metrics.find((m) => m.Id === 'throughput') as { MetricStat: Record<string, unknown> };
    expect(throughput.MetricStat).toMatchObject({ Metric: { Namespace: METRICS_NAMESPACE, MetricName: 'ProcessingThroughput' }, Period: 3600, Stat: 'Average' });
  });
});

describe('dashboard', () => {
  it('shows processing, queue health, resources, stage breakdown and capacity', () => {
    const dashboard = onlyResource(production().template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.parse(renderText(dashboard.DashboardBody)) as { widgets: Array<{ type: string; properties: { markdown?: string; metrics?: unknown[][] } }> };
    const headings = body.widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown);
    expect(headings).toEqual(['## Processing performance', '## Queue health', '## Resource utilization', '## Stage breakdown', '## Auto Scaling group capacity']);
    const metricNames = new Set(body.widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m.find((part, i) => i === 1 && typeof part === 'string'))));
    for (const name of [
      'ProcessingThroughput',
      'ProcessingRate',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'CPUUtilization',
      'mem_used_percent',
      'S3DownloadTime',
      'OCRProcessingTime',
      'BedrockAPITime',
      'OpenSearchIndexTime',
      'GroupDesiredCapacity',
      'GroupInServiceInstances',
      'GroupPendingInstances',
      'GroupTerminatingInstances',
    ]) {
      expect(metricNames).toContain(name);
    }
    expect(body.widgets[0]).toMatchObject({ type: 'alarm' });
  });
});

describe('OpenSearch', () => {
  it('creates an encrypted, HTTPS-only, fine-grained domain in the VPC when configured to', () => {
    const { stack } = production();
    const roleArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.fleet.role.node.defaultChild as never), 'Arn'] };
    productionTemplate().hasResourceProperties('AWS::OpenSearchService::Domain', {
      DomainName: 'cis-production',
      EngineVersion: 'OpenSearch_2.19',
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
      AdvancedSecurityOptions: { Enabled: true, InternalUserDatabaseEnabled: false, MasterUserOptions: { MasterUserARN: roleArn } },
      ClusterConfig: { DedicatedMasterEnabled: true, DedicatedMasterCount: 3, InstanceCount: 4, ZoneAwarenessEnabled: true },
      VPCOptions: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      AccessPolicies: { Statement: [Match.objectLike({ Effect: 'Allow', Principal: { AWS: roleArn } })] },
    });
  });

  const domainOf = (template: Record<string, unknown>) => {
    const [id, domain] = Object.entries(template.Resources as Record<string, { Type: string; DependsOn?: string[] }>).find(([, r]) => r.Type === 'AWS::OpenSearchService::Domain')!;
    return { id, dependsOn: domain.DependsOn ?? [] };
  };

  it('creates the domain only after the log resource policy that lets it write its logs', () => {
    for (const env of ['dev', 'production']) {
      const { template } = synth.synth(env);
      const [[policyId, policy]] = resourcesOfType(template, 'AWS::Logs::ResourcePolicy');
      expect(domainOf(template).dependsOn).toContain(policyId);
      // Each resource is a log group's own Arn attribute, which already ends in ":*".
      const statement = (JSON.parse(renderText(policy!.PolicyDocument)) as { Statement: Array<{ Resource: string[] }> }).Statement[0]!;
      const logGroupIds = resourcesOfType(template, 'AWS::Logs::LogGroup').map(([id]) => id).filter((id) => id.startsWith('Search'));
      expect(logGroupIds).toHaveLength(3);
      expect(statement.Resource).toEqual(logGroupIds.map((id) => `<${id}.Arn>`));
    }
  });

  it('leaves the OpenSearch service-linked role out by default, and creates it (retained, before the domain) when asked', () => {
    expect(resourcesOfType(production().template, 'AWS::IAM::ServiceLinkedRole')).toHaveLength(0);
    const dev = ENVIRONMENTS.dev;
    const { template } = synth.synthConfig(parseEnvironment('dev', { ...dev, opensearch: { ...dev.opensearch, createServiceLinkedRole: true } }));
    const roles = Object.entries(template.Resources as Record<string, { Type: string; Properties: unknown; DeletionPolicy?: string }>).filter(
      ([, r]) => r.Type === 'AWS::IAM::ServiceLinkedRole',
    );
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0]!;
    expect(role).toMatchObject({ Properties: { AWSServiceName: 'opensearchservice.amazonaws.com' }, DeletionPolicy: 'Retain' });
    expect(domainOf(template).dependsOn).toContain(roleId);
  });

  it('creates no domain when the environment names an existing endpoint', () => {
    expect(resourcesOfType(synth.synth('staging').template, 'AWS::OpenSearchService::Domain')).toHaveLength(0);
  });
});

function envFile(script: string): Record<string, string> {
  const body = script.split("cat > /etc/cis-worker.env <<'EOF'\n")[1]!.split('\nEOF')[0]!;
  return Object.fromEntries(body.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}
