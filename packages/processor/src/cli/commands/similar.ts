import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../../core/errors';
import { detectType } from '../../detect/detect';
import { localImageEmbedder } from '../../embed/local-image';
import { positiveInt } from '../options';
import { userPath } from '../paths';
import { openExistingIndex, printHits } from './search';

interface SimilarOptions {
  db?: string;
  limit: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('similar')
    .description('indexed images nearest to the given image (same embedding model only)')
    .argument('<image-file>', 'a PNG, JPEG, TIFF, … image')
    .option('--db <file>', 'index database (default: $CIS_DB or .cis/index.db)')
    .option('--limit <n>', 'number of hits', positiveInt, 10)
    .option('--json', 'print {"hits": [...]} on stdout')
    .action(async (file: string, opts: SimilarOptions) => {
      const path = userPath(file);
      if (!(await stat(path).catch(() => undefined))?.isFile()) throw new UsageError(`no such file: ${file}`);
      const type = await detectType(path, basename(path));
      if (type.kind !== 'image') throw new UsageError(`${file} is ${type.mime}, not an image`);
      const index = openExistingIndex(opts.db);
      try {
        const embedder = localImageEmbedder;
        const values = await embedder.embed(await readFile(path));
        printHits(await index.similar({ modelId: embedder.modelId, values }, { limit: opts.limit }), opts.json);
      } finally {
        await index.close();
      }
    });
}
