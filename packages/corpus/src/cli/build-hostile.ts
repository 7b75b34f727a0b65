/**
 * `pnpm hostile:build <dir> [--test]`: writes the hostile-input corpus (issue 16) into <dir>,
 * next to three control files and the four names that used to collide. Nothing is committed:
 * every file is generated. `--test` writes the smaller sizes the integration tests use.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { collidingNames, controlFiles, hostileCases } from '../hostile';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: pnpm hostile:build <dir> [--test]\n');
    process.exit(2);
  }
  const root = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
  const write = (path: string, data: Buffer | string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  };
  for (const c of hostileCases(args.includes('--test') ? 'test' : 'full')) {
    const started = Date.now();
    const data = await c.make();
    write(c.path, data);
    process.stdout.write(`${c.path.padEnd(42)} ${String(data.length).padStart(9)} bytes  ${String(Date.now() - started).padStart(5)} ms  ${c.what}\n`);
  }
  for (const c of controlFiles()) write(c.path, (await c.make()).data);
  for (const n of collidingNames()) write(join('names', n.path), n.text);
  process.stdout.write(`written: ${root}\n`);
}

void main();
