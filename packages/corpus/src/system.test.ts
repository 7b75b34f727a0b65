import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { listedDebianPackages, MissingSystemPackageError, requireDebianPackage } from './system';

const THIS_FILE = 'packages/corpus/src/system.test.ts';

/** Code that ships or runs under tests and benchmarks: everything under packages/ and infra/ but this test. */
function trackedSources(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', 'packages', 'infra'], {
    cwd: repoRoot(),
    encoding: 'utf8',
  });
  return out.split('\0').filter((f) => /\.(ts|js|mjs|cjs|sh|py)$/.test(f) && f !== THIS_FILE);
}

describe('Debian packages: set-up installs, tests never do', () => {
  it('no code under packages/ or infra/ runs an installer', () => {
    const installer = /apt-ensure|\bapt(-get)?\s+(-\S+\s+)*install\b|\bdpkg\s+(-\S+\s+)*-i\b|\baptitude\b/;
    const offenders = trackedSources()
      .flatMap((f) =>
        readFileSync(join(repoRoot(), f), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
          .filter(({ line }) => installer.test(line)),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it('every package that code requires is in the one list', () => {
    const listed = new Set(listedDebianPackages());
    const required = trackedSources().flatMap((f) =>
      [...readFileSync(join(repoRoot(), f), 'utf8').matchAll(/requireDebianPackage\(\s*'([^']+)'/g)].map((m) => ({ f, pkg: m[1]! })),
    );
    expect(required.length).toBeGreaterThan(3);
    expect(required.filter(({ pkg }) => !listed.has(pkg))).toEqual([]);
  });

  it('names the package and the set-up command when a tool is missing', () => {
    expect(() => requireDebianPackage('qpdf', { command: 'qpdf-that-does-not-exist' })).toThrow(
      new MissingSystemPackageError(
        'command qpdf-that-does-not-exist is missing: it comes from the Debian package qpdf; run ./dev setup (it installs scripts/debian-packages.txt)',
      ),
    );
    expect(() => requireDebianPackage('qpdf', { file: '/nonexistent/font.ttf' })).toThrow(/\/nonexistent\/font\.ttf is missing: .*package qpdf; run \.\/dev setup/);
  });

  it('refuses a package that is not in the list', () => {
    expect(() => requireDebianPackage('cowsay', { command: 'sh' })).toThrow(/cowsay is used but not listed in scripts\/debian-packages\.txt/);
  });

  it('passes when the tool is there', () => {
    expect(() => requireDebianPackage('python3', { command: 'python3' })).not.toThrow();
  });
});
