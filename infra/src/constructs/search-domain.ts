import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** The service whose service-linked role a VPC domain needs (AWSServiceRoleForAmazonOpenSearchService). */
export const OPENSEARCH_SERVICE_PRINCIPAL = 'opensearchservice.amazonaws.com';

export interface SearchDomainProps {
  domainName: string;
  /** `OpenSearch_2.19`: 2.x domains on Amazon OpenSearch Service ship analysis-kuromoji and analysis-icu. */
  engineVersion: string;
  dataNodeType: string;
  dataNodes: number;
  masterNodes: number;
  masterNodeType: string;
  volumeGiB: number;
  zoneAwareness: boolean;
  vpc: ec2.IVpc;
  /** Allowed to reach the domain on 443. */
  clientSecurityGroup: ec2.ISecurityGroup;
  /** Gets es:ESHttp* on the domain's paths (the access policy). */
  clientRole: iam.IRole;
  /** Fine-grained access control master user; the client role when unset. */
  masterUserArn?: string;
  /**
   * Create the account's OpenSearch service-linked role with the domain. Only for an account
   * that has never had one: CloudFormation fails when the role already exists (preflight checks).
   */
  createServiceLinkedRole: boolean;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * An Amazon OpenSearch Service domain for the index, inside the VPC: encrypted at rest and
 * between nodes, HTTPS only (TLS 1.2), fine-grained access control with an IAM master user,
 * slow and application logs in CloudWatch. Japanese analysis (kuromoji, ICU) is part of the
 * service's bundled plugins; the worker probes for kuromoji and builds its analyser with it.
 */
export class SearchDomain extends Construct {
  readonly domain: opensearch.Domain;
  /** `https://vpc-…es.amazonaws.com` */
  readonly endpointUrl: string;
  readonly domainArn: string;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    // Built from the name, not the domain: the domain's own access policy cannot refer to its attributes.
    this.domainArn = `arn:${Aws.PARTITION}:es:${Aws.REGION}:${Aws.ACCOUNT_ID}:domain/${props.domainName}`;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `OpenSearch domain ${props.domainName}: HTTPS from the workers only`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(props.clientSecurityGroup, ec2.Port.tcp(443), 'Workers to OpenSearch (HTTPS)');

    const logGroup = (name: string) =>
      new logs.LogGroup(this, `${name}Logs`, {
        logGroupName: `/aws/opensearch/${props.domainName}/${name.toLowerCase()}`,
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });
    const slowSearch = logGroup('SlowSearch');
    const slowIndex = logGroup('SlowIndex');
    const application = logGroup('Application');
    // The L2 would write this policy through a Lambda-backed custom resource; a plain resource does the same.
    const logsPolicy = new logs.ResourcePolicy(this, 'LogsPolicy', {
      resourcePolicyName: `${props.domainName}-opensearch-logs`,
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('es.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          // A log group's Arn attribute already ends in ":*" (its streams); appending another would name nothing.
          resources: [slowSearch, slowIndex, application].map((g) => g.logGroupArn),
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      ],
    });

    const subnetCount = props.zoneAwareness ? 2 : 1;
    this.domain = new opensearch.Domain(this, 'Domain', {
      domainName: props.domainName,
      version: opensearch.EngineVersion.openSearch(props.engineVersion.replace(/^OpenSearch_/, '')),
      capacity: {
        dataNodes: props.dataNodes,
        dataNodeInstanceType: props.dataNodeType,
        ...(props.masterNodes > 0 ? { masterNodes: props.masterNodes, masterNodeInstanceType: props.masterNodeType } : {}),
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: props.volumeGiB, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      zoneAwareness: props.zoneAwareness ? { enabled: true, availabilityZoneCount: 2 } : { enabled: false },
      vpc: props.vpc,
      vpcSubnets: [{ subnets: props.vpc.privateSubnets.slice(0, subnetCount) }],
      securityGroups: [securityGroup],
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      fineGrainedAccessControl: { masterUserArn: props.masterUserArn ?? props.clientRole.roleArn },
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: slowSearch,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: slowIndex,
        appLogEnabled: true,
        appLogGroup: application,
      },
      suppressLogsResourcePolicy: true,
      enableVersionUpgrade: true,
      removalPolicy: props.removalPolicy,
    });
    const cfn = this.domain.node.defaultChild as opensearch.CfnDomain;
    // The service checks at creation that it may write to the log groups: without this order
    // CloudFormation may create the domain first and fail ("…does not grant sufficient permissions").
    cfn.addResourceDependency(logsPolicy.node.defaultChild as logs.CfnResourcePolicy);
    if (props.createServiceLinkedRole) {
      // A VPC domain needs the account's service-linked role. Retained: it is the account's, other
      // domains may use it, and IAM refuses to delete it while one does.
      const slr = new iam.CfnServiceLinkedRole(this, 'ServiceLinkedRole', {
        awsServiceName: OPENSEARCH_SERVICE_PRINCIPAL,
        description: 'Lets Amazon OpenSearch Service manage VPC domains of this account',
      });
      slr.applyRemovalPolicy(RemovalPolicy.RETAIN);
      cfn.addResourceDependency(slr);
    }
    cfn.accessPolicies = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal(props.clientRole.roleArn)],
          actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'],
          resources: [`${this.domainArn}/*`],
        }),
      ],
    }).toJSON();

    this.endpointUrl = `https://${this.domain.domainEndpoint}`;

    acknowledge(
      this.domain,
      'AwsSolutions-OS3',
      'VPC-only domain: reachable solely through its security group, which admits the workers on 443 (IP conditions do not apply to VPC domains); requests are signed by the worker role and checked by fine-grained access control.',
    );
    if (props.masterNodes === 0) {
      acknowledge(this.domain, 'AwsSolutions-OS4', 'This environment runs without dedicated cluster-manager nodes to save cost (opensearch.masterNodes: 0); production sets 3.');
    }
    if (!props.zoneAwareness) {
      acknowledge(this.domain, 'AwsSolutions-OS7', 'This environment runs in one zone to save cost (opensearch.zoneAwareness: false); production spreads over two.');
    }
  }
}
