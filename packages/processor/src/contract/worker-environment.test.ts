import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_DEFAULTS, WORKER_ENV } from './worker-environment';

const docs = ['packages/processor/docs/worker.md', 'README.md'].map((f) => readFileSync(join(__dirname, '../../../..', f), 'utf8')).join('\n');

describe('the worker environment contract', () => {
  it('names every variable once', () => {
    const names = Object.values(WORKER_ENV);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(Object.values(WORKER_ENV).filter((v) => v.startsWith('CIS_')))('%s is documented', (name) => {
    expect(docs).toContain(name);
  });

  it('has defaults only for variables it names', () => {
    for (const key of Object.keys(WORKER_DEFAULTS)) expect(WORKER_ENV).toHaveProperty(key);
  });
});
