import { isAbsolute, resolve } from 'node:path';

/**
 * `pnpm cis …` runs from the repository root whatever directory the user typed it in;
 * pnpm records that directory in INIT_CWD, so relative paths resolve against it.
 */
export function userPath(p: string): string {
  if (isAbsolute(p)) return p;
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
