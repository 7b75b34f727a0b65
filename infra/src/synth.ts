import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createIngestApp } from './app';
import { environmentVariant, loadEnvironment } from './config/load';
import type { ENVIRONMENTS } from './config/environments';
import type { EnvironmentConfig } from './config/schema';
import type { IngestStack } from './stacks/ingest-stack';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const BASELINE_DIR = join(REPO_ROOT, 'infra', 'baselines');

/** The context `cdk` passes from cdk.json (feature flags, validation), for apps built in-process. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

export interface SynthesizedEnvironment {
  stack: IngestStack;
  template: Record<string, unknown>;
  /** The cloud assembly folder (cdk diff --app <outdir> reads it). */
  outdir: string;
  /** validation-report.json of the assembly. */
  validationReport: { pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[] }> };
}

export interface SynthOptions {
  /** The environment with its `initialLoad` setting changed to this (tests; the real switch is environments.ts). */
  initialLoad?: boolean;
  /** Run CloudFormation template validation (slow: its rule engine compiles once per process). */
  validate?: boolean;
}

/**
 * Synthesizes one environment the way `cdk synth -c env=<name>` does (same context, cdk-nag,
 * optional template validation) but without building the worker bundle: its asset then gets a
 * stable placeholder hash, so templates change only when the infrastructure does. Each call gets
 * its own output folder; `dispose` removes them all.
 */
export class Synthesizer {
  private readonly outdirs: string[] = [];
  private readonly cache = new Map<string, SynthesizedEnvironment>();

  synth(envName: string, options: SynthOptions = {}): SynthesizedEnvironment {
    const config =
      options.initialLoad === undefined ? loadEnvironment(envName) : environmentVariant(envName as keyof typeof ENVIRONMENTS, { initialLoad: options.initialLoad });
    return this.synthConfig(config, options);
  }

  /** The same for settings given directly (a variant of an environment, in tests). */
  synthConfig(config: EnvironmentConfig, options: Pick<SynthOptions, 'validate'> = {}): SynthesizedEnvironment {
    const key = JSON.stringify([config, options.validate ?? false]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const outdir = mkdtempSync(join(tmpdir(), `cis-infra-${config.name}-`));
    this.outdirs.push(outdir);
    const { app, stack } = createIngestApp({
      config,
      outdir,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: options.validate ?? false,
    });
    const assembly = app.synth();
    const report = join(outdir, 'validation-report.json');
    const result: SynthesizedEnvironment = {
      stack,
      template: assembly.getStackByName(stack.stackName).template as Record<string, unknown>,
      outdir,
      validationReport: existsSync(report)
        ? (JSON.parse(readFileSync(report, 'utf8')) as SynthesizedEnvironment['validationReport'])
        : { pluginReports: [] },
    };
    this.cache.set(key, result);
    return result;
  }

  dispose(): void {
    for (const dir of this.outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    this.cache.clear();
  }
}
