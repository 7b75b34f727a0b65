import { down } from '../control';
import { STARTED_DIR_KEY } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const runDir = (globalThis as Record<string, unknown>)[STARTED_DIR_KEY];
  if (typeof runDir === 'string') await down(runDir);
}
