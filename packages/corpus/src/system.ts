import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './paths';

/** The one list of Debian packages that set-up installs (`./dev setup`). */
export function debianPackagesFile(): string {
  return join(repoRoot(), 'scripts', 'debian-packages.txt');
}

export function listedDebianPackages(): string[] {
  return readFileSync(debianPackagesFile(), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** How to tell that a package's part we use is there: a command on PATH or a file. */
export type Probe = { command: string } | { file: string };

/** A tool or file from a Debian package that set-up should have installed and has not. */
export class MissingSystemPackageError extends Error {
  override readonly name = 'MissingSystemPackageError';
}

/**
 * Checks that what a test, fixture or benchmark needs from a Debian package is present, and
 * fails with the package's name and the set-up command when it is not. Never installs: set-up
 * does, before any test starts, so a test's time budget never includes apt.
 */
export function requireDebianPackage(pkg: string, probe: Probe): void {
  if (!listedDebianPackages().includes(pkg)) {
    throw new MissingSystemPackageError(`Debian package ${pkg} is used but not listed in scripts/debian-packages.txt; add it there so that ./dev setup installs it`);
  }
  const present = 'command' in probe ? onPath(probe.command) : existsSync(probe.file);
  if (present) return;
  const what = 'command' in probe ? `command ${probe.command}` : probe.file;
  throw new MissingSystemPackageError(`${what} is missing: it comes from the Debian package ${pkg}; run ./dev setup (it installs scripts/debian-packages.txt)`);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

