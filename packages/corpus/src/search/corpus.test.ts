import { searchCorpus, searchTruth } from './corpus';
import { CATEGORIES } from './queries';

describe('the search corpus', () => {
  const corpus = searchCorpus();
  const relevant = new Map(corpus.queries.map((q) => [q.query, searchTruth(q, corpus.docs)]));

  it('is the same for the same seed', () => {
    const again = searchCorpus();
    expect(again.docs).toEqual(corpus.docs);
    expect(again.queries).toEqual(corpus.queries);
    expect(corpus.specs.map((s) => s.path)).toEqual(corpus.docs.map((d) => d.path));
  });

  it('has about 400 documents and 50 queries, at least five in every category, each with an answer', () => {
    expect(corpus.docs).toHaveLength(400);
    expect(corpus.queries.length).toBeGreaterThanOrEqual(50);
    for (const c of CATEGORIES) expect({ c, n: corpus.queries.filter((q) => q.category === c).length >= 5 }).toEqual({ c, n: true });
    for (const [query, set] of relevant) expect({ query, answered: set.size > 0 }).toEqual({ query, answered: true });
  });

  it('holds distractors: the parts of every compound and phrase apart, without the whole', () => {
    for (const q of corpus.queries.filter((x) => x.parts)) {
      const apart = corpus.docs.filter((d) => q.parts!.every((p) => d.text.toLowerCase().includes(p.toLowerCase())) && !relevant.get(q.query)!.has(d.path));
      expect({ query: q.query, distractors: apart.length > 0 }).toEqual({ query: q.query, distractors: true });
    }
  });

  it('answers 見積書 with documents that say 御見積書, and some answers are scans only OCR reads', () => {
    const quote = [...relevant.get('見積書')!].map((p) => corpus.docs.find((d) => d.path === p)!);
    expect(quote.some((d) => d.text.includes('御見積書'))).toBe(true);
    expect(corpus.queries.filter((q) => [...relevant.get(q.query)!].some((p) => corpus.docs.find((d) => d.path === p)!.scanned)).length).toBeGreaterThan(20);
  });

  it('computes answers from the text as written: every term, anywhere, case and width folded', () => {
    const docs = [
      { path: 'a.txt', lang: 'ja' as const, format: 'txt' as const, scanned: false, text: 'ＰＤＦの御見積書' },
      { path: 'b.txt', lang: 'ja' as const, format: 'txt' as const, scanned: false, text: '見積の依頼書 pdf' },
    ];
    expect([...searchTruth({ category: 'mixed', query: 'PDF 見積書', terms: ['PDF', '見積書'] }, docs)]).toEqual(['a.txt']);
    expect([...searchTruth({ category: 'partial', query: '見積', terms: ['見積'] }, docs)]).toEqual(['a.txt', 'b.txt']);
  });
});
