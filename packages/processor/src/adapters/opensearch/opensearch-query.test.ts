import { searchQuery } from './opensearch-query';

/** Every field the clauses of `q` read, with the clause type ("match_phrase text.ngram", …). */
function fieldsOf(q: unknown, out: string[] = []): string[] {
  if (Array.isArray(q)) q.forEach((x) => fieldsOf(x, out));
  else if (q && typeof q === 'object') {
    for (const [k, v] of Object.entries(q)) {
      if (['match', 'match_phrase', 'prefix', 'wildcard'].includes(k)) out.push(`${k} ${Object.keys(v as object)[0]}`);
      else fieldsOf(v, out);
    }
  }
  return out;
}

describe('searchQuery', () => {
  it('lets each term match only as a substring (bigram phrases of text or path), never as kuromoji words', () => {
    const q = searchQuery(['ファイルシステム', 'invoice']) as { bool: { must: unknown[]; should: unknown[] } };
    expect(q.bool.must).toHaveLength(2);
    for (const clause of q.bool.must) expect(new Set(fieldsOf(clause))).toEqual(new Set(['match_phrase text.ngram', 'match_phrase path']));
    // The word field only ranks.
    expect(fieldsOf(q.bool.should)).toContain('match text');
  });

  it('finds a one-character term where a bigram starts or ends with it, lower-cased and escaped', () => {
    const q = searchQuery(['書', 'Q', '*']) as { bool: { must: unknown[] } };
    expect(new Set(fieldsOf(q.bool.must[0]))).toEqual(new Set(['prefix text.ngram', 'wildcard text.ngram', 'prefix path', 'wildcard path']));
    expect(JSON.stringify(q.bool.must[1])).toContain('"value":"?q"');
    expect(JSON.stringify(q.bool.must[2])).toContain('"value":"?\\\\*"');
  });
});
