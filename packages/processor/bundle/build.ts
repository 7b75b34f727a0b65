/**
 * Builds the worker bundle: a self-contained folder the fleet downloads and runs as
 * `node cis.js worker` (infra/ ships it as an S3 asset hashed by this output).
 *
 *   cis.js, ocr-worker.js,  esbuild bundles of the CLI, of the OCR pool's thread file and of
 *   extract-child.js        the extraction sandbox's process
 *   node_modules/           only the native / WASM / data packages that cannot be bundled,
 *                           with their runtime dependencies, pruned of sources and docs
 *   package.json            what went in (versions), for the record
 *
 * verify.ts checks a built bundle from a copy outside the workspace; cli.ts (`pnpm bundle`) does both.
 */
import { buildSync, type Metafile } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_OUT_DIR, PROCESSOR_DIR } from './paths';


/**
 * Bundled entry points: output name → source. All are required: without ocr-worker.js and
 * extract-child.js beside cis.js, the OCR pool and the extraction sandbox would look for their
 * TypeScript files, which the bundle does not carry.
 */
const ENTRIES = [
  { out: 'cis', source: 'src/programs/cli/main.ts' },
  { out: 'ocr-worker', source: 'src/pipeline/ocr/ocr-worker.ts' },
  { out: 'extract-child', source: 'src/pipeline/sandbox/child-main.ts' },
] as const;

/**
 * Packages esbuild leaves external, copied with their dependencies: native addons (sharp,
 * better-sqlite3, @napi-rs/canvas via pdfjs-dist), WASM and data files read from disk next to
 * their package (tesseract.js-core, pdfjs-dist's cmaps and fonts, the language models), and
 * piscina, which starts its own thread file from its package folder.
 */
const EXTERNAL_ROOTS = ['sharp', 'better-sqlite3', 'sqlite-vec', 'pdfjs-dist', 'tesseract.js', '@tesseract.js-data/jpn', '@tesseract.js-data/eng', 'piscina'];
/** Never loaded by the bundle (pool.ts and sandbox-process.ts only reach for tsx when their .js entry is missing). */
const NEVER_LOADED = ['tsx', 'tsx/*'];

/**
 * Amazon Linux 2023 (the fleet's AMI) ships glibc 2.34 and GCC 11's libstdc++ (GLIBCXX_3.4.29):
 * a native file that needs more fails to load there even if it loads on the build machine.
 */
const TARGET_LIBC = { GLIBC: [2, 34], GLIBCXX: [3, 4, 29] } as const;

export interface BundleOptions {
  outDir?: string;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
}

export interface BundleReport {
  outDir: string;
  bytes: number;
  files: number;
  entries: Array<{ file: string; bytes: number }>;
  packages: Array<{ name: string; version: string; bytes: number; at: string }>;
  /** Highest glibc / libstdc++ symbol versions any native file needs. */
  libc: { GLIBC: string; GLIBCXX: string };
}

/** Builds the bundle into `outDir` (emptied first) and returns what went in. */
export function buildWorkerBundle(options: BundleOptions = {}): BundleReport {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const log = options.log ?? (() => undefined);
  assertLinuxX64Glibc();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const missing = ENTRIES.find((e) => !existsSync(join(PROCESSOR_DIR, e.source)));
  if (missing) throw new Error(`bundle: entry ${missing.source} is missing`);

  const t0 = performance.now();
  // Synchronous, so that CDK's local bundling (a synchronous hook) can call it in-process.
  const result = buildSync({
    absWorkingDir: PROCESSOR_DIR,
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e.out, e.source])),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...EXTERNAL_ROOTS, ...EXTERNAL_ROOTS.map((p) => `${p}/*`), '@napi-rs/canvas', ...NEVER_LOADED],
    // Stack traces point at the sources (the service runs node with --enable-source-maps).
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
  });
  for (const w of result.warnings) log(`esbuild: ${w.text}`);
  log(`esbuild: ${ENTRIES.map((e) => `${e.out}.js`).join(', ')} in ${Math.round(performance.now() - t0)} ms`);

  const packages = copyExternalPackages(join(outDir, 'node_modules'));
  checkUnbundledImports(result.metafile, packages);
  const libc = checkNativeFiles(outDir);
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'cis-worker-bundle',
        private: true,
        type: 'commonjs',
        main: 'cis.js',
        description: 'Built by packages/processor/bundle/build.ts; run as: node cis.js worker',
        dependencies: Object.fromEntries(packages.map((p) => [p.at, p.version])),
      },
      null,
      2,
    )}\n`,
  );

  const entries = ENTRIES.map((e) => ({ file: `${e.out}.js`, bytes: statSync(join(outDir, `${e.out}.js`)).size }));
  const { bytes, files } = folderSize(outDir);
  return { outDir, bytes, files, entries, packages, libc };
}

function assertLinuxX64Glibc(): void {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  if (process.platform !== 'linux' || process.arch !== 'x64' || !header?.glibcVersionRuntime) {
    throw new Error(
      `bundle: build on linux-x64 with glibc (the fleet runs Amazon Linux 2023 on x86_64); this is ${process.platform}-${process.arch}` +
        (process.platform === 'linux' && !header?.glibcVersionRuntime ? ' without glibc' : ''),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The external packages and their dependencies, laid out the way npm would hoist them.

interface InstalledPackage {
  name: string;
  version: string;
  /** Real folder in the pnpm store. */
  dir: string;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}

function readPackage(dir: string): InstalledPackage {
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Partial<InstalledPackage>;
  return {
    name: json.name ?? basename(dir),
    version: json.version ?? '0.0.0',
    dir,
    dependencies: json.dependencies ?? {},
    optionalDependencies: json.optionalDependencies ?? {},
  };
}

/** Node's lookup of `name` from a package folder (pnpm places a package's dependencies beside it). */
function findPackage(name: string, fromDir: string): InstalledPackage | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return readPackage(realpathSync(candidate));
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Copies the external roots and everything they depend on into `nodeModules`. A package goes to
 * the top level unless another version already sits there, then under its dependent. Optional
 * dependencies for other platforms are not installed, so they are simply not found.
 */
function copyExternalPackages(nodeModules: string): BundleReport['packages'] {
  const placed = new Map<string, InstalledPackage>(); // target folder → package
  const copied: BundleReport['packages'] = [];
  const queue: Array<{ pkg: InstalledPackage; parentTarget: string | undefined }> = [];

  for (const name of EXTERNAL_ROOTS) {
    const pkg = findPackage(name, PROCESSOR_DIR);
    if (!pkg) throw new Error(`bundle: ${name} is not installed in packages/processor`);
    queue.push({ pkg, parentTarget: undefined });
  }

  while (queue.length > 0) {
    const { pkg, parentTarget } = queue.shift()!;
    const top = join(nodeModules, pkg.name);
    const visible = parentTarget ? resolveFrom(parentTarget, pkg.name, nodeModules, placed) : placed.get(top);
    if (visible?.dir === pkg.dir) continue; // already reachable from its dependent
    // Hoist when nothing shadows it; a different version in the way means: next to the dependent.
    const target = visible === undefined ? top : parentTarget ? join(parentTarget, 'node_modules', pkg.name) : undefined;
    if (target === undefined || placed.has(target)) throw new Error(`bundle: two versions of ${pkg.name} compete for one place`);
    placed.set(target, pkg);
    copyPruned(pkg, target);
    copied.push({ name: pkg.name, version: pkg.version, bytes: folderSize(target).bytes, at: relative(nodeModules, target).split(sep).join('/') });

    const deps = [
      ...Object.keys(pkg.dependencies).map((name) => ({ name, optional: false })),
      ...Object.keys(pkg.optionalDependencies).map((name) => ({ name, optional: true })),
    ];
    for (const dep of deps) {
      if (INSTALL_TIME_ONLY[pkg.name]?.includes(dep.name)) continue;
      const found = findPackage(dep.name, pkg.dir);
      if (!found) {
        if (dep.optional) continue;
        throw new Error(`bundle: ${pkg.name} needs ${dep.name}, which is not installed`);
      }
      queue.push({ pkg: found, parentTarget: target });
    }
  }
  return copied.sort((a, b) => a.at.localeCompare(b.at));
}

/** What `require(name)` from the package at `fromTarget` would find among the placed packages. */
function resolveFrom(fromTarget: string, name: string, nodeModules: string, placed: Map<string, InstalledPackage>): InstalledPackage | undefined {
  for (let dir = fromTarget; dir.startsWith(nodeModules); dir = dirname(dir)) {
    const hit = placed.get(join(dir, 'node_modules', name));
    if (hit) return hit;
  }
  return placed.get(join(nodeModules, name));
}

/** Dependencies only an install script uses (better-sqlite3's prebuilt-binary download, a donation banner). */
const INSTALL_TIME_ONLY: Record<string, string[]> = {
  'better-sqlite3': ['prebuild-install'],
  'tesseract.js': ['opencollective-postinstall'],
};

/** Files no package needs at run time. */
const DROP_ANYWHERE = /(\.map|\.d\.[cm]?ts|\.tsbuildinfo|\.md|\.markdown)$/i;
const KEEP_ANYWAY = /^(license|licence|notice|copying)/i;

/**
 * Per package: what to leave out (paths relative to the package folder). Sources and build
 * intermediates of native addons, browser builds, docs and tests; for tesseract.js-core the
 * browser variants with the WASM inlined (Node loads the .js + .wasm pairs; which pair depends
 * on the CPU's SIMD support and on how tesseract.js starts, so all pairs stay); for the
 * language packs the models the pool does not use.
 */
const DROP: Record<string, RegExp> = {
  'better-sqlite3': /^(deps|src|binding\.gyp|build\/(?!Release(\/better_sqlite3\.node)?$).*)$/,
  sharp: /^(src|install)(\/|$)/,
  'tesseract.js': /^(dist|docs|examples|scripts|benchmarks|tests?|karma\.conf\.js)(\/|$)/,
  'tesseract.js-core': /\.wasm\.js$/,
  '@tesseract.js-data/jpn': /^4\.0\.0(\/|$)/,
  '@tesseract.js-data/eng': /^4\.0\.0(\/|$)/,
  'pdfjs-dist': /^(build|web|types|image_decoders|webpack\.mjs|legacy\/(web|image_decoders)|legacy\/build\/(pdf\.sandbox|[^/]*\.min\.mjs))(\/|$|\.)/,
  piscina: /^(src|test|test-jest|docs|benchmark|scripts)(\/|$)/,
};

function copyPruned(pkg: InstalledPackage, target: string): void {
  const drop = DROP[pkg.name];
  cpSync(pkg.dir, target, {
    recursive: true,
    dereference: true,
    filter: (src) => {
      const rel = relative(pkg.dir, src).split(sep).join('/');
      if (rel === '') return true;
      if (rel === 'node_modules' || rel.startsWith('node_modules/')) return false; // .bin, build temp: dependencies are placed separately
      const name = basename(src);
      if (DROP_ANYWHERE.test(name) && !KEEP_ANYWAY.test(name)) return false;
      return !drop?.test(rel);
    },
  });
}

/** Every bare import esbuild left in the output must be a package the bundle carries (or a Node built-in). */
function checkUnbundledImports(metafile: Metafile, packages: BundleReport['packages']): void {
  const carried = new Set(packages.filter((p) => !p.at.includes('/node_modules/')).map((p) => p.name));
  const missing = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || isBuiltin(imp.path)) continue;
      const name = imp.path.startsWith('@') ? imp.path.split('/').slice(0, 2).join('/') : imp.path.split('/')[0]!;
      if (!carried.has(name) && !NEVER_LOADED.includes(name)) missing.add(imp.path);
    }
  }
  if (missing.size > 0) throw new Error(`bundle: external imports without a package in the bundle: ${[...missing].join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Native files must load on Amazon Linux 2023.

function checkNativeFiles(outDir: string): BundleReport['libc'] {
  let glibc = [0];
  let glibcxx = [0];
  const tooNew: string[] = [];
  for (const file of walk(outDir)) {
    if (!/\.(node|so(\.\d+)*)$/.test(file)) continue;
    const text = readFileSync(file).toString('latin1');
    const need = (prefix: 'GLIBC' | 'GLIBCXX') =>
      [...text.matchAll(new RegExp(`${prefix}_(\\d+(?:\\.\\d+)+)\\0`, 'g'))].map((m) => m[1]!.split('.').map(Number)).reduce(maxVersion, [0]);
    const g = need('GLIBC');
    const gx = need('GLIBCXX');
    if (compareVersions(g, TARGET_LIBC.GLIBC) > 0 || compareVersions(gx, TARGET_LIBC.GLIBCXX) > 0) {
      tooNew.push(`${relative(outDir, file)} (GLIBC_${g.join('.')}, GLIBCXX_${gx.join('.')})`);
    }
    glibc = maxVersion(glibc, g);
    glibcxx = maxVersion(glibcxx, gx);
  }
  if (tooNew.length > 0) {
    throw new Error(
      `bundle: native files need a newer C library than Amazon Linux 2023 has (GLIBC_${TARGET_LIBC.GLIBC.join('.')}, ` +
        `GLIBCXX_${TARGET_LIBC.GLIBCXX.join('.')}): ${tooNew.join(', ')}. Build on an older distribution or use prebuilt binaries.`,
    );
  }
  return { GLIBC: glibc.join('.'), GLIBCXX: glibcxx.join('.') };
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function maxVersion(a: number[], b: number[]): number[] {
  return compareVersions(a, b) >= 0 ? a : b;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const file of walk(dir)) {
    bytes += statSync(file).size;
    files++;
  }
  return { bytes, files };
}
