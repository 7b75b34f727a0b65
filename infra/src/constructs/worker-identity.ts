import { METRICS_NAMESPACE, WORKER_DEFAULTS } from '@cis/processor';
import { Aws, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, nagResource } from '../nag';

/** What the workers reach, for their role's grants. */
export interface WorkerAccess {
  queue: sqs.IQueue;
  sourceBucket: { name: string; kmsKeyArn?: string };
  /** The worker bundle's object: an exact-key read, no bucket-wide wildcard. */
  bundleObjectArn: string;
  /** Where the workers invoke the embedding model (not necessarily the stack's region). */
  bedrockRegion: string;
  /** Amazon OpenSearch Service domain, when the cluster is one (IAM-authorised HTTP methods). */
  opensearchDomainArn?: string;
  /** The worker's log group and the one its EMF records go to. */
  logGroupArns: readonly string[];
  /** The Auto Scaling group the instances belong to (lifecycle actions, health). */
  groupName: string;
}

/**
 * Who the workers are to the rest of the stack: their instance role, what that role may do, and
 * their security group. Separate from the fleet so that what the workers talk to (the OpenSearch
 * domain) can admit them before the fleet, which needs that domain's endpoint, exists; the fleet
 * then grants the role what it created (grantWorkerAccess).
 */
export class WorkerIdentity extends Construct {
  readonly role: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: { prefix: string; vpc: ec2.IVpc }) {
    super(scope, id);
    this.role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `CIS ingest worker instances (${props.prefix})`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(
      this.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'The AWS-maintained minimum for Session Manager access, the only way in (there is no SSH key).',
    );
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'CIS ingest workers: no inbound traffic; outbound HTTPS to AWS APIs and OpenSearch',
      allowAllOutbound: true,
    });
  }

  /**
   * What the workers may do, each grant as narrow as the service allows: consume the file queue,
   * read the source bucket (and decrypt it), fetch their bundle, invoke the one embedding model,
   * write to the OpenSearch domain, publish metrics and logs, and answer their own lifecycle hook.
   */
  grantWorkerAccess(access: WorkerAccess): void {
    const stack = Stack.of(this);
    const role = this.role;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ConsumeFileMessages',
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        resources: [access.queue.queueArn],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListSourceBucket', actions: ['s3:ListBucket'], resources: [`arn:${Aws.PARTITION}:s3:::${access.sourceBucket.name}`] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadSourceObjects', actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::${access.sourceBucket.name}/*`] }));
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${access.sourceBucket.name}/*]`,
      'Workers read whichever object a message names; every key of the source bucket is a candidate.',
    );
    if (access.sourceBucket.kmsKeyArn) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptSourceObjects',
          actions: ['kms:Decrypt'],
          resources: [access.sourceBucket.kmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadWorkerBundle', actions: ['s3:GetObject'], resources: [access.bundleObjectArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EmbedImages',
        actions: ['bedrock:InvokeModel'],
        resources: [`arn:${Aws.PARTITION}:bedrock:${access.bedrockRegion}::foundation-model/${WORKER_DEFAULTS.bedrockModelId}`],
      }),
    );
    if (access.opensearchDomainArn) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'IndexDocuments',
          actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'],
          resources: [access.opensearchDomainArn, `${access.opensearchDomainArn}/*`],
        }),
      );
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${nagResource(stack, access.opensearchDomainArn)}/*]`,
        'Index paths (documents, bulk, templates, the status index) are all under the one domain; HTTP methods are listed, not wildcarded.',
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PublishMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': ['CWAgent', METRICS_NAMESPACE] } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ShipLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [...access.logGroupArns],
      }),
    );
    // The CloudWatch agent reads its own instance's tags (the group name dimension); DescribeTags has no resource scope.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'AgentDimensions', actions: ['ec2:DescribeTags'], resources: ['*'] }));
    const groupArn = `arn:${Aws.PARTITION}:autoscaling:${Aws.REGION}:${Aws.ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/${access.groupName}`;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LifecycleAndHealth',
        actions: ['autoscaling:CompleteLifecycleAction', 'autoscaling:SetInstanceHealth'],
        resources: [groupArn],
      }),
    );
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', `cloudwatch:PutMetricData (limited by condition to the CWAgent and ${METRICS_NAMESPACE} namespaces) and ec2:DescribeTags support no resource-level permissions.`);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/${access.groupName}]`,
      "The group's id is assigned by AWS; the ARN is pinned by the group's name.",
    );
  }
}
