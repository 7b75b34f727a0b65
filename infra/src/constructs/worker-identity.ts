import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/**
 * Who the workers are to the rest of the stack: their instance role and security group. Separate
 * from the fleet so that what the workers talk to (the OpenSearch domain) can admit them before
 * the fleet, which needs that domain's endpoint, exists.
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
}
