import { businessDocument, pageText, paginate } from '.';
import { orderFreeCer, containsWord } from '../text/match';

describe('business documents', () => {
  it('are a pure function of the seed', () => {
    expect(businessDocument('a', 'ja', 'quotation')).toEqual(businessDocument('a', 'ja', 'quotation'));
    expect(businessDocument('a', 'ja', 'quotation')).not.toEqual(businessDocument('b', 'ja', 'quotation'));
  });

  it.each([
    ['ja', 'quotation', '御見積書'],
    ['ja', 'invoice', '請求書'],
    ['ja', 'delivery', '納品書'],
    ['ja', 'contract', '業務委託契約書'],
    ['en', 'invoice', 'INVOICE'],
    ['en', 'letter', 'sincerely'],
  ] as const)('%s %s prints its title and expected words', (lang, kind, word) => {
    const doc = businessDocument(`t-${kind}`, lang, kind);
    const text = paginate(doc.lines).map(pageText).join('\n');
    expect(containsWord(text, word)).toBe(true);
    expect(doc.expectedWords.length).toBeGreaterThanOrEqual(3);
    for (const w of doc.expectedWords) expect(containsWord(text, w)).toBe(true);
  });
});

describe('orderFreeCer', () => {
  it('is zero for the same text in another order or spacing', () => {
    expect(orderFreeCer('見積書\n合計金額', '合 計 金 額 見 積 書').cer).toBe(0);
  });

  it('counts a substitution, a deletion and an insertion as one error each', () => {
    expect(orderFreeCer('abcd', 'abxd').errors).toBe(1);
    expect(orderFreeCer('abcd', 'abd').errors).toBe(1);
    expect(orderFreeCer('abcd', 'abcde').errors).toBe(1);
    expect(orderFreeCer('abcd', '').cer).toBe(1);
  });
});
