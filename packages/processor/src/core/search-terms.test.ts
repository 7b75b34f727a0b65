import { searchTerms } from './search-terms';

describe('searchTerms', () => {
  it('splits on spaces, so two Japanese words stay two terms', () => {
    expect(searchTerms('見積書 請求書')).toEqual(['見積書', '請求書']);
    expect(searchTerms('  invoice\tQ-2024-0042 ')).toEqual(['invoice', 'Q-2024-0042']);
  });

  it('normalises each term as the indexed text is (NFKC, full width folded)', () => {
    expect(searchTerms('ＩＮＶＯＩＣＥ　見積書')).toEqual(['INVOICE', '見積書']);
    expect(searchTerms('ｶﾞｲﾄﾞ')).toEqual(['ガイド']);
  });

  it('keeps a quoted run as one term with single spaces', () => {
    expect(searchTerms('"cloud  backup service" 見積')).toEqual(['cloud backup service', '見積']);
    // Inside quotes, CJK characters separated by spaces join as normalizeText joins OCR output.
    expect(searchTerms('"見 積 書"')).toEqual(['見積書']);
  });

  it('reads an unpaired quote as a space, and ignores empty quotes', () => {
    expect(searchTerms('cloud "backup service')).toEqual(['cloud', 'backup', 'service']);
    expect(searchTerms('"" invoice')).toEqual(['invoice']);
    expect(searchTerms('   ')).toEqual([]);
  });
});
