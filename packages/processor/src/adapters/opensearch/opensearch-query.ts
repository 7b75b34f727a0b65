import type { Types } from '@opensearch-project/opensearch';

type Query = Types.Common_QueryDsl.QueryContainer;

/**
 * The full-text query for search terms (core/search-terms.ts): every term must be found as
 * written in the text or the path, as in local mode.
 *
 * A term matches only through phrases of character bigrams (`text.ngram`, `path`), which is a
 * substring test. The word field (`text`, kuromoji) ranks and highlights but never lets a term
 * match by itself: kuromoji splits ファイルシステム into ファイル + システム, and a word match
 * would find every document holding both words anywhere.
 *
 * A one-character term has no bigram of its own: it matches where a bigram starts or ends with
 * it (prefix and `?x` wildcard over the bigram terms), again a substring test.
 */
export function searchQuery(terms: readonly string[]): Query {
  return {
    bool: {
      must: terms.map(termMatch),
      // Ranking only: documents where the words occur as words, or in the file name, come first.
      should: [{ match: { text: { query: terms.join(' ') } } }, ...terms.map((t) => ({ match_phrase: { 'name.ngram': { query: t, boost: 3 } } }))],
    },
  };
}

function termMatch(term: string): Query {
  if ([...term].length === 1) {
    // Bigram terms are lower-cased by the analyser; prefix and wildcard queries are not analysed.
    const c = term.toLowerCase();
    const escaped = c.replace(/[\\*?]/g, (x) => `\\${x}`);
    return {
      bool: {
        should: ['text.ngram', 'path'].flatMap((field) => [{ prefix: { [field]: { value: c } } }, { wildcard: { [field]: { value: `?${escaped}` } } }]),
        minimum_should_match: 1,
      },
    };
  }
  return {
    bool: {
      should: [{ match_phrase: { 'text.ngram': { query: term, boost: 2 } } }, { match_phrase: { path: { query: term } } }],
      minimum_should_match: 1,
    },
  };
}
