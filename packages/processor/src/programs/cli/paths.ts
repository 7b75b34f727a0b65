import { isAbsolute, resolve } from 'node:path';

/**
 * `pnpm cis …` runs from the repository root whatever directory the user typed it in;
 * pnpm records that directory in INIT_CWD, so relative paths resolve against it.
 */
export function userPath(p: string): string {
  if (isAbsolute(p)) return p;
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** The embedded index: `--db`, else $CIS_DB, else `.cis/index.db` in the directory the command was run from. */
export function dbPath(option: string | undefined): string {
  return userPath(option ?? process.env.CIS_DB ?? '.cis/index.db');
}
