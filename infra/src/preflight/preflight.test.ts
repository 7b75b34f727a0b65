import { loadEnvironment } from '../config/load';
import { Synthesizer } from '../synth';
import { subscriptionState } from './alarm-subscription';
import { bootstrapRequirement } from './bootstrap';
import { renderTable } from './report';
import { exitCode, type PreflightReport } from './run';
import { fleetVcpuNeeds, vcpuNeed } from './quotas';

const synth = new Synthesizer();
afterAll(() => synth.dispose());

describe('bootstrapRequirement', () => {
  it('reads the SSM parameter and the lowest accepted version from the synthesized template', () => {
    expect(bootstrapRequirement(synth.synth('dev').template as never)).toEqual({ parameterName: '/cdk-bootstrap/hnb659fds/version', minVersion: 6 });
  });

  it('follows the rule, whatever versions it refuses', () => {
    const template = {
      Parameters: { BootstrapVersion: { Default: '/cdk-bootstrap/custom/version' } },
      Rules: { CheckBootstrapVersion: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2', '21'], { Ref: 'BootstrapVersion' }] }] } }] } },
    };
    expect(bootstrapRequirement(template)).toEqual({ parameterName: '/cdk-bootstrap/custom/version', minVersion: 22 });
    expect(() => bootstrapRequirement({})).toThrow(/no BootstrapVersion parameter or CheckBootstrapVersion rule/);
  });
});

describe('vCPUs the fleet needs', () => {
  it('splits production into on-demand base + 20% above it and spot, at 4 vCPUs per xlarge, for 50 and 150 instances', () => {
    expect(fleetVcpuNeeds(loadEnvironment('production'))).toEqual({
      // 2 + ceil(9.6) on demand, 48 − floor(9.6) spot
      steady: { instances: 50, onDemand: 48, spot: 156 },
      // 2 + ceil(29.6) on demand, 148 − floor(29.6) spot: the 600 vCPUs, split
      initialLoad: { instances: 150, onDemand: 128, spot: 476 },
    });
  });

  it('rounds each side against its own quota and counts the largest instance type', () => {
    const fleet = { ...loadEnvironment('dev').fleet, instanceTypes: ['c5.xlarge', 'c5.2xlarge'] };
    expect(vcpuNeed(fleet, 4)).toEqual({ instances: 4, onDemand: (1 + 1) * 8, spot: 3 * 8 });
    expect(() => vcpuNeed({ ...fleet, instanceTypes: ['m7g.xlarge'] }, 4)).toThrow(/no vCPU count for m7g\.xlarge/);
  });
});

describe('subscriptionState', () => {
  const email = 'cis-alerts@example.com';
  const sub = (SubscriptionArn: string, Endpoint = email, Protocol = 'email') => ({ SubscriptionArn, Endpoint, Protocol });

  it('is confirmed with an ARN, pending while AWS still waits for the click, missing otherwise', () => {
    expect(subscriptionState([sub('arn:aws:sns:ap-northeast-1:123456789012:cis-production-alarms:0f1e')], email)).toBe('confirmed');
    expect(subscriptionState([sub('PendingConfirmation')], email)).toBe('pending');
    expect(subscriptionState([sub('PendingConfirmation'), sub('arn:aws:sns:x', 'CIS-Alerts@Example.com')], email)).toBe('confirmed');
    expect(subscriptionState([sub('arn:aws:sns:x', 'someone@example.com')], email)).toBe('missing');
    expect(subscriptionState([sub('arn:aws:sns:x', email, 'sms')], email)).toBe('missing');
    expect(subscriptionState([], email)).toBe('missing');
  });
});

describe('report', () => {
  const report = (states: Array<'pass' | 'warn' | 'fail' | 'unknown' | 'skip'>): PreflightReport => ({
    environment: 'dev',
    stack: 'CisIngest-dev',
    account: '123456789012',
    region: 'ap-northeast-1',
    bedrockRegion: 'us-east-1',
    checks: states.map((state, i) => ({ id: `c${i}`, check: `check ${i}`, state, detail: `found ${i}`, ...(state === 'fail' ? { action: `fix ${i}` } : {}) })),
  });

  it('exits 1 on a failure, and on an unknown unless allowed', () => {
    expect(exitCode(report(['pass', 'warn', 'skip']))).toBe(0);
    expect(exitCode(report(['pass', 'fail']))).toBe(1);
    expect(exitCode(report(['pass', 'unknown']))).toBe(1);
    expect(exitCode(report(['pass', 'unknown']), { allowUnknown: true })).toBe(0);
    expect(exitCode(report(['fail', 'unknown']), { allowUnknown: true })).toBe(1);
  });

  it('prints check, state and what to do, the action under its finding', () => {
    expect(renderTable(report(['pass', 'fail', 'unknown']))).toBe(
      [
        'Preflight of CisIngest-dev in aws://123456789012/ap-northeast-1 (Bedrock in us-east-1)',
        '',
        'check    state    what to do',
        'check 0  pass     found 0',
        'check 1  FAIL     found 1',
        '                  → fix 1',
        'check 2  unknown  found 2',
        '',
        '1 failed, 1 could not be verified, 1 passed',
        '',
      ].join('\n'),
    );
  });
});
