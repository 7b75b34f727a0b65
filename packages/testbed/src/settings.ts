import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** packages/testbed */
export const PACKAGE_DIR = resolve(__dirname, '..');
export const REPO_ROOT = resolve(PACKAGE_DIR, '../..');
/** Where `pnpm testbed up` keeps its state and writes `env` (gitignored). */
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.testbed');

/** A setting of the testbed is missing or invalid; the message names the setting. */
export class TestbedConfigError extends Error {
  override readonly name = 'TestbedConfigError';
}

const schema = z.object({
  CIS_TESTBED_CACHE: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  CIS_TESTBED_OPENSEARCH_HEAP_MB: z.coerce.number().int().min(256).max(8192).default(512),
  CIS_TESTBED_START_TIMEOUT_S: z.coerce.number().int().min(10).max(1800).default(300),
  JAVA_HOME: z.string().min(1).optional(),
  CIS_TESTBED_MVN: z.string().min(1).default('mvn'),
});

export interface TestbedSettings {
  /** Maven repository, classpaths and compiled launcher; outlives clones and CI runs. */
  cacheDir: string;
  opensearchHeapMb: number;
  startTimeoutMs: number;
  java: string;
  javac: string;
  jar: string;
  mvn: string;
}

/** Reads and validates the testbed's settings once; an invalid one fails naming the variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): TestbedSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TestbedConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const s = parsed.data;
  const tool = (name: string) => (s.JAVA_HOME ? join(s.JAVA_HOME, 'bin', name) : name);
  return {
    cacheDir: resolve(s.CIS_TESTBED_CACHE ?? join(s.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cis-testbed')),
    opensearchHeapMb: s.CIS_TESTBED_OPENSEARCH_HEAP_MB,
    startTimeoutMs: s.CIS_TESTBED_START_TIMEOUT_S * 1000,
    java: tool('java'),
    javac: tool('javac'),
    jar: tool('jar'),
    mvn: s.CIS_TESTBED_MVN,
  };
}
