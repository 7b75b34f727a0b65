import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { log } from './log';
import { withDirLock } from './lock';
import { PACKAGE_DIR, type TestbedSettings } from './settings';

const JAVA_DIR = join(PACKAGE_DIR, 'java');
const MODULES = ['opensearch', 'elasticmq', 's3mock'] as const;
type Module = (typeof MODULES)[number];

/** Everything the Java servers need, all under the cache directory. */
export interface Artifacts {
  classpath: Record<Module, string[]>;
  /** Compiled cis.testbed.* classes: the OpenSearch launcher, its two plugins, S3MockLoopback. */
  launcherDir: string;
}

/** Thrown when the JDK or Maven is missing or a download fails; the message says which. */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

/**
 * Fetches the jars from Maven Central (first run only) and compiles the launcher, keyed by the
 * poms and Java sources: a later run with the same inputs reads one manifest and starts at once.
 */
export async function ensureArtifacts(settings: TestbedSettings): Promise<Artifacts> {
  const key = await inputsKey();
  const manifestPath = join(settings.cacheDir, `artifacts-${key}.json`);
  const cached = await readManifest(manifestPath);
  if (cached) return cached;

  await mkdir(settings.cacheDir, { recursive: true });
  return withDirLock(join(settings.cacheDir, 'lock'), async () => {
    const again = await readManifest(manifestPath);
    if (again) return again;
    await checkJava(settings);
    const classpath = await resolveClasspaths(settings, key);
    const launcherDir = join(settings.cacheDir, `launcher-${key}`);
    const spring = await springJars(settings, classpath.s3mock[0]!, key);
    await compileLauncher(settings, [...classpath.opensearch, ...spring], launcherDir);
    const artifacts: Artifacts = { classpath, launcherDir };
    await writeFile(manifestPath, JSON.stringify(artifacts, null, 2));
    await pruneOtherKeys(settings.cacheDir, key);
    return artifacts;
  });
}

async function inputsKey(): Promise<string> {
  const hash = createHash('sha256');
  const files = [join(JAVA_DIR, 'pom.xml'), ...MODULES.map((m) => join(JAVA_DIR, m, 'pom.xml')), ...(await javaSources())];
  for (const file of files.sort()) hash.update(file.slice(JAVA_DIR.length)).update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

async function javaSources(): Promise<string[]> {
  const dir = join(JAVA_DIR, 'src', 'cis', 'testbed');
  return (await readdir(dir)).filter((f) => f.endsWith('.java')).map((f) => join(dir, f));
}

async function readManifest(path: string): Promise<Artifacts | undefined> {
  if (!existsSync(path)) return undefined;
  const artifacts = JSON.parse(await readFile(path, 'utf8')) as Artifacts;
  const files = [artifacts.launcherDir, ...Object.values(artifacts.classpath).flat()];
  return files.every((f) => existsSync(f)) ? artifacts : undefined;
}

/** Classpaths and classes built from older poms or sources; the Maven repository stays. */
async function pruneOtherKeys(cacheDir: string, key: string): Promise<void> {
  const stale = (await readdir(cacheDir)).filter((f) => /^(artifacts|classpath|launcher|spring)-[0-9a-f]{16}/.test(f) && !f.includes(key));
  await Promise.all(stale.map((f) => rm(join(cacheDir, f), { recursive: true, force: true })));
}

async function checkJava(settings: TestbedSettings): Promise<void> {
  const { code, output } = await run(settings.java, ['-version']).catch((err: Error) => {
    throw new ArtifactError(`Java 17 or newer is required (${settings.java}: ${err.message}); set JAVA_HOME or install openjdk-17-jdk-headless`);
  });
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  if (code !== 0 || major < 17) throw new ArtifactError(`Java 17 or newer is required; ${settings.java} -version said: ${output.trim()}`);
}

async function resolveClasspaths(settings: TestbedSettings, key: string): Promise<Record<Module, string[]>> {
  const outDir = join(settings.cacheDir, `classpath-${key}`);
  const started = Date.now();
  log.info({ cache: settings.cacheDir }, 'resolving server jars with Maven (the first run downloads ~250 MB from Maven Central)');
  const args = [
    '-B', '-q', '-T', '3',
    '-f', join(JAVA_DIR, 'pom.xml'),
    `-Dmaven.repo.local=${join(settings.cacheDir, 'm2')}`,
    `-Dcis.classpath.dir=${outDir}`,
    'dependency:build-classpath',
  ];
  const { code, output } = await run(settings.mvn, args).catch((err: Error) => {
    throw new ArtifactError(`Maven is required to fetch the servers' jars (${settings.mvn}: ${err.message}); install maven`);
  });
  if (code !== 0) throw new ArtifactError(`mvn dependency:build-classpath failed:\n${output.split('\n').slice(-20).join('\n')}`);
  log.info({ ms: Date.now() - started }, 'server jars resolved');

  const classpath = {} as Record<Module, string[]>;
  for (const module of MODULES) {
    const text = await readFile(join(outDir, `testbed-${module}.classpath`), 'utf8');
    const entries = text.trim().split(':').filter(Boolean);
    classpath[module] = (await Promise.all(entries.map((e) => (e.endsWith('.zip') ? unpackPlugin(settings, e) : [e])))).flat();
  }
  return classpath;
}

/** A plugin published as a zip (k-NN): its jars, unpacked once beside the Maven repository. */
async function unpackPlugin(settings: TestbedSettings, zip: string): Promise<string[]> {
  const dir = join(settings.cacheDir, 'plugins', basename(zip, '.zip'));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { code, output } = await run(settings.jar, ['xf', zip], dir);
  if (code !== 0) throw new ArtifactError(`unpacking ${zip} failed: ${output}`);
  return (await readdir(dir)).filter((f) => f.endsWith('.jar')).sort().map((f) => join(dir, f));
}

/** spring-beans and spring-core, taken out of S3Mock's jar to compile S3MockLoopback against. */
async function springJars(settings: TestbedSettings, s3mockJar: string, key: string): Promise<string[]> {
  const dir = join(settings.cacheDir, `spring-${key}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const listing = await run(settings.jar, ['tf', s3mockJar]);
  const wanted = listing.output.split('\n').filter((e) => /^BOOT-INF\/lib\/spring-(beans|core)-[\d.]+\.jar$/.test(e));
  if (listing.code !== 0 || wanted.length !== 2) throw new ArtifactError(`spring-beans/spring-core not found in ${s3mockJar}`);
  const { code, output } = await run(settings.jar, ['xf', s3mockJar, ...wanted], dir);
  if (code !== 0) throw new ArtifactError(`extracting ${wanted.join(', ')} failed: ${output}`);
  return wanted.map((e) => join(dir, e));
}

async function compileLauncher(settings: TestbedSettings, classpath: string[], outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  const args = ['-nowarn', '-encoding', 'UTF-8', '--release', '17', '-d', outDir, '-cp', classpath.join(':'), ...(await javaSources())];
  const { code, output } = await run(settings.javac, args);
  if (code !== 0) throw new ArtifactError(`compiling the OpenSearch launcher failed:\n${output}`);
}

function run(command: string, args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
