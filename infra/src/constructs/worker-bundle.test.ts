import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerBundle } from './worker-bundle';

/** Synthesizes a stack holding only the bundle asset; `build` stands in for the real bundler. */
function stageBundle(outdir: string, build: (outDir: string) => void): { hash: string; staged: string } {
  // Assets are cached per process by their properties, which do not include the build function.
  AssetStaging.clearAssetHashCache();
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'BundleOnly');
  const bundle = new WorkerBundle(stack, 'WorkerBundle', { build });
  app.synth();
  return { hash: bundle.asset.assetHash, staged: join(outdir, `asset.${bundle.asset.assetHash}`) };
}

const writeBundle = (files: Record<string, string>) => (outDir: string) => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(outDir, name, '..'), { recursive: true });
    writeFileSync(join(outDir, name), text);
  }
};

describe('WorkerBundle asset', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });
  const stage = (build: (outDir: string) => void) => {
    const outdir = mkdtempSync(join(tmpdir(), 'cis-infra-bundle-'));
    outdirs.push(outdir);
    return stageBundle(outdir, build);
  };

  it('ships what the build wrote', () => {
    const { staged } = stage(writeBundle({ 'cis.js': 'console.log(1)', 'node_modules/sharp/index.js': 'native' }));
    expect(readdirSync(staged).sort()).toEqual(['cis.js', 'node_modules']);
    expect(readFileSync(join(staged, 'node_modules/sharp/index.js'), 'utf8')).toBe('native');
  });

  it('hashes the output: a change anywhere in the bundle, node_modules included, changes the key', () => {
    const base = stage(writeBundle({ 'cis.js': 'v1', 'node_modules/sharp/index.js': 'a' })).hash;
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(stage(writeBundle({ 'cis.js': 'v1', 'node_modules/sharp/index.js': 'a' })).hash).toBe(base);
    expect(stage(writeBundle({ 'cis.js': 'v2', 'node_modules/sharp/index.js': 'a' })).hash).not.toBe(base);
    // The source folder is the same in every case: a source hash could not tell these apart.
    expect(stage(writeBundle({ 'cis.js': 'v1', 'node_modules/sharp/index.js': 'b' })).hash).not.toBe(base);
  });

  it('fails the synth when the build fails, instead of shipping an old bundle', () => {
    expect(() =>
      stage(() => {
        throw new Error('bundle check failed: sharp did not load from the copy');
      }),
    ).toThrow(/sharp did not load/);
  });
});
