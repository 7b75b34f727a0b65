import { Rng } from '../random';
import { EN_KINDS, englishDocument } from './english';
import { JA_KINDS, japaneseDocument } from './japanese';
import type { DocContent, DocKind, Lang } from './types';

export * from './types';
export { PAGE, TEXT_WIDTH, paginate, lineHeight } from './layout';
export { japaneseDirectory } from './japanese';
export { englishOrders } from './english';

/** A business document, the same for the same seed. `kind` defaults to one picked by the seed. */
export function businessDocument(seed: string, lang: Lang, kind?: DocKind): DocContent {
  const rng = new Rng(seed);
  if (lang === 'ja') return japaneseDocument(rng, kind ?? rng.pick(JA_KINDS));
  return englishDocument(rng, kind ?? rng.pick(EN_KINDS));
}
