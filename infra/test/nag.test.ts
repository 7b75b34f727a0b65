import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIngestApp } from '../src/app';
import { ENVIRONMENT_NAMES, loadEnvironment } from '../src/config/load';
import type { Acknowledgement } from '../src/nag';
import { cdkJsonContext } from '../src/synth';

/**
 * cdk-nag (AwsSolutions) runs in every synth and fails it on any unacknowledged finding; the
 * other infra tests synthesize every environment, so none has one. Here the acknowledgements are
 * recorded but not applied, to check the other direction: every acknowledgement answers a finding
 * that really occurs (none is stale or too broad), and each says why it is accepted.
 */
const mockRecorded: Acknowledgement[] = [];
jest.mock('../src/nag', () => ({
  ...jest.requireActual<typeof import('../src/nag')>('../src/nag'),
  acknowledge: (scope: { node: { path: string } }, id: string, reason: string) => mockRecorded.push({ path: scope.node.path, id, reason }),
}));

interface Finding {
  rule: string;
  path: string;
}

function findingsWithoutAcknowledgements(envName: string): { findings: Finding[]; acknowledged: Acknowledgement[] } {
  mockRecorded.length = 0;
  const outdir = mkdtempSync(join(tmpdir(), `cis-infra-nag-${envName}-`));
  try {
    const { app } = createIngestApp({
      config: loadEnvironment(envName),
      outdir,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    let failure: unknown;
    try {
      app.synth();
    } catch (err) {
      failure = err;
    }
    if (!String(failure).startsWith('ValidationFailed')) throw new Error(`expected the synth to fail on findings, got ${String(failure)}`);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
    };
    const findings = report.pluginReports
      .filter((r) => r.pluginName === 'AwsSolutions')
      .flatMap((r) => r.violations.flatMap((v) => v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath }))));
    return { findings, acknowledged: [...mockRecorded] };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each(ENVIRONMENT_NAMES)('cdk-nag AwsSolutions in %s', (envName) => {
  let findings: Finding[] = [];
  let acknowledged: Acknowledgement[] = [];
  beforeAll(() => {
    ({ findings, acknowledged } = findingsWithoutAcknowledgements(envName));
  });
  const covers = (a: Acknowledgement, f: Finding) => a.id === f.rule && (f.path === a.path || f.path.startsWith(`${a.path}/`));

  it('acknowledges every finding', () => {
    expect(findings.filter((f) => !acknowledged.some((a) => covers(a, f)))).toEqual([]);
  });

  it('acknowledges nothing that is not found', () => {
    expect(acknowledged.filter((a) => !findings.some((f) => covers(a, f))).map((a) => `${a.id} at ${a.path}`)).toEqual([]);
  });

  it('gives each acknowledgement a reason', () => {
    for (const a of acknowledged) expect(a.reason.length).toBeGreaterThan(40);
  });
});
