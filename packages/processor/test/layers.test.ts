/**
 * Keeps the processor's layers pointing one way (README, "Repository layout"):
 *
 *   contract ← core ← config ← pipeline, adapters ← compose.ts ← programs
 *
 * A layer imports only itself and what is to its left; pipeline stages and adapters do not import
 * each other, and inside pipeline/ detection never imports extraction; nothing in src imports the package entry (src/index.ts, for other packages), test
 * support, benchmarks or another workspace package. Outside the processor, code reaches it only
 * through "@cis/processor" and the subpaths its package.json exports.
 *
 * Every import is found by TypeScript's own scanner: `import … from`, `export … from`,
 * `import('…')`, `require('…')`. Test files (*.test.ts, *.itest.ts) may import test support, so
 * they are left out of the layer rules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const PROCESSOR = resolve(__dirname, '..');
const SRC = join(PROCESSOR, 'src');
const REPO = resolve(PROCESSOR, '..', '..');

type Layer = 'contract' | 'core' | 'config' | 'pipeline' | 'adapters' | 'compose' | 'programs' | 'entry';

/** What each layer may import (besides packages from npm and Node built-ins). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  contract: ['contract'],
  core: ['core', 'contract'],
  config: ['config', 'core', 'contract'],
  pipeline: ['pipeline', 'config', 'core', 'contract'],
  adapters: ['adapters', 'config', 'core', 'contract'],
  compose: ['pipeline', 'adapters', 'config', 'core', 'contract'],
  programs: ['programs', 'compose', 'pipeline', 'adapters', 'config', 'core', 'contract'],
  entry: ['programs', 'compose', 'pipeline', 'adapters', 'config', 'core', 'contract'],
};

const FOLDERS = new Set<string>(['contract', 'core', 'config', 'pipeline', 'adapters', 'programs']);

/**
 * Inside pipeline/: the stage runner gets its stages through options and imports none; shared
 * format readers and type detection sit below extraction (detect never imports extract).
 */
const STAGE_FORBIDS: Record<string, readonly string[]> = {
  'pipeline.ts': ['detect', 'extract', 'ocr', 'embed', 'formats'],
  formats: ['detect', 'extract', 'ocr', 'embed'],
  detect: ['extract', 'ocr', 'embed'],
};

/** pipeline/<part>/… → part ('pipeline.ts' for the runner itself). */
const stageOf = (file: string) => relative(join(SRC, 'pipeline'), file).split(sep)[0]!;

/** The layer of a file under src, or undefined for a file in no layer (itself a violation). */
function layerOf(file: string): Layer | undefined {
  const [top] = relative(SRC, file).split(sep);
  if (top === 'compose.ts') return 'compose';
  if (top === 'index.ts') return 'entry';
  return top !== undefined && FOLDERS.has(top) ? (top as Layer) : undefined;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'cdk.out' || name === 'dist') continue;
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const isTest = (file: string) => /\.(i?test)\.tsx?$/.test(file);

function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** The file a relative specifier names (.ts, or a folder's index.ts); the path itself when it names no such file. */
function resolveRelative(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

const rel = (path: string) => relative(REPO, path).split(sep).join('/');

/** Layer violations of the processor's own shipping code, as "file → import: why". */
function layerViolations(files: readonly string[], imports: (file: string) => string[] = importsOf): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    if (layer === undefined) {
      problems.push(`${rel(file)}: in no layer (put it under ${[...FOLDERS].join(', ')})`);
      continue;
    }
    for (const spec of imports(file)) {
      const say = (why: string) => problems.push(`${rel(file)} → ${spec}: ${why}`);
      if (spec.startsWith('@cis/')) {
        say('shipping code imports no workspace package');
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = resolveRelative(file, spec);
      if (relative(SRC, target).startsWith('..')) {
        say('src imports nothing outside src (test support, benchmarks, the bundle build)');
        continue;
      }
      const to = layerOf(target);
      if (to === 'entry') say('the package entry is for other packages; import the module itself');
      else if (to !== undefined && !ALLOWED[layer].includes(to)) say(`${layer} may import only ${ALLOWED[layer].join(', ')}, not ${to}`);
      else if (layer === 'pipeline' && to === 'pipeline' && STAGE_FORBIDS[stageOf(file)]?.includes(stageOf(target))) {
        say(`pipeline/${stageOf(file)} may not import pipeline/${stageOf(target)}`);
      }
    }
  }
  return problems;
}

/** Imports of the processor from other workspace code that bypass its package entry and exports. */
function entryViolations(files: readonly string[], exported: readonly string[]): string[] {
  const allowed = new Set(exported.map((key) => (key === '.' ? '@cis/processor' : `@cis/processor/${key.replace(/^\.\//, '')}`)));
  const problems: string[] = [];
  for (const file of files) {
    for (const spec of importsOf(file)) {
      if (spec === '@cis/processor' || spec.startsWith('@cis/processor/')) {
        if (!allowed.has(spec)) problems.push(`${rel(file)} → ${spec}: use @cis/processor or a subpath its package.json exports (${[...allowed].join(', ')})`);
      } else if (spec.startsWith('.') && !relative(PROCESSOR, resolveRelative(file, spec)).startsWith('..')) {
        problems.push(`${rel(file)} → ${spec}: reaches into packages/processor; import @cis/processor`);
      }
    }
  }
  return problems;
}

describe('processor layers', () => {
  const shipping = tsFiles(SRC).filter((f) => !isTest(f));

  it('finds the code it checks', () => {
    expect(shipping.length).toBeGreaterThan(100);
    expect(new Set(shipping.map(layerOf))).toEqual(new Set(Object.keys(ALLOWED)));
  });

  it('imports point one way: programs → compose → pipeline / adapters → config → core → contract', () => {
    expect(layerViolations(shipping)).toEqual([]);
  });

  it('catches a stage importing a program, core importing a stage, detection importing extraction', () => {
    const stage = join(SRC, 'pipeline', 'extract', 'text.ts');
    const core = join(SRC, 'core', 'types.ts');
    const detect = join(SRC, 'pipeline', 'detect', 'detect.ts');
    const imports = (file: string) =>
      file === stage ? ['../../programs/cli/paths', '../../core/errors'] : file === core ? ['../pipeline/pipeline', './errors'] : ['../extract/office/package', '../formats/zip'];
    expect(layerViolations([stage, core, detect], imports)).toEqual([
      'packages/processor/src/pipeline/extract/text.ts → ../../programs/cli/paths: pipeline may import only pipeline, config, core, contract, not programs',
      'packages/processor/src/core/types.ts → ../pipeline/pipeline: core may import only core, contract, not pipeline',
      'packages/processor/src/pipeline/detect/detect.ts → ../extract/office/package: pipeline/detect may not import pipeline/extract',
    ]);
  });
});

describe('other packages use the processor through its entry', () => {
  const pkg = JSON.parse(readFileSync(join(PROCESSOR, 'package.json'), 'utf8')) as { main?: string; exports?: Record<string, string> };

  it('declares an entry that exists', () => {
    expect(existsSync(join(PROCESSOR, pkg.main ?? ''))).toBe(true);
    for (const target of Object.values(pkg.exports ?? {})) expect(existsSync(join(PROCESSOR, target))).toBe(true);
  });

  it('infra, bin and the other packages import @cis/processor or its declared subpaths only', () => {
    const others = [
      ...tsFiles(join(REPO, 'infra')),
      ...tsFiles(join(REPO, 'bin')),
      ...readdirSync(join(REPO, 'packages'))
        .filter((p) => p !== 'processor')
        .flatMap((p) => tsFiles(join(REPO, 'packages', p))),
    ];
    expect(others.length).toBeGreaterThan(50);
    expect(entryViolations(others, Object.keys(pkg.exports ?? {}))).toEqual([]);
  });
});
