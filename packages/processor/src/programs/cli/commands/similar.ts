import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { extractionSettings } from '../../../config/extraction';
import { UnreadableFileError, UsageError } from '../../../core/errors';
import { detectType } from '../../../pipeline/detect/detect';
import { pictureToEmbed } from '../../../pipeline/extract/image';
import { positiveInt } from '../options';
import { userPath } from '../paths';
import { openSearchTarget, type SearchTargetOptions } from '../search-target';
import { OPENSEARCH_OPTION_HELP, printHits } from './search';

interface SimilarOptions extends SearchTargetOptions {
  limit: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('similar')
    .description('indexed images nearest to the given image (vectors of the same model only: local descriptor, or Titan with --opensearch)')
    .argument('<image-file>', 'a PNG, JPEG, TIFF, … image')
    .option('--db <file>', 'index database (default: $CIS_DB or .cis/index.db)')
    .option('--opensearch', `${OPENSEARCH_OPTION_HELP}; the query image is embedded with Bedrock (CIS_BEDROCK_MODEL_ID, CIS_BEDROCK_DIMENSIONS)`)
    .option('--limit <n>', 'number of hits', positiveInt, 10)
    .option('--json', 'print {"hits": [...]} on stdout')
    .action(async (file: string, opts: SimilarOptions) => {
      const path = userPath(file);
      if (!(await stat(path).catch(() => undefined))?.isFile()) throw new UsageError(`no such file: ${file}`);
      const type = await detectType(path, basename(path));
      if (type.kind !== 'image') throw new UsageError(`${file} is ${type.mime}, not an image`);
      const picture = await pictureToEmbed(path, extractionSettings().limits.maxPixels).catch((err: unknown) => {
        throw err instanceof UnreadableFileError ? new UsageError(`${file}: ${err.reason}`) : err;
      });
      const target = openSearchTarget(opts);
      try {
        const embedder = target.imageEmbedder();
        const values = await embedder.embed(picture);
        printHits(await target.query((index) => index.similar({ modelId: embedder.modelId, values }, { limit: opts.limit })), opts.json);
      } finally {
        await target.close();
      }
    });
}
