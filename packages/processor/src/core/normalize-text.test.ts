import { normalizeText } from './normalize-text';

describe('normalizeText', () => {
  it('drops the spaces OCR puts between Japanese characters', () => {
    expect(normalizeText('御 見 積 書')).toBe('御見積書');
    expect(normalizeText('株 式 会 社 サ ン プ ル ・ テ ス ト')).toBe('株式会社サンプル・テスト');
    expect(normalizeText('お 支 払 い は 、 月 末 ま で に 。')).toBe('お支払いは、月末までに。');
  });

  it('joins numbers and brackets to the Japanese around them', () => {
    expect(normalizeText('2024 年 4 月 1 日')).toBe('2024年4月1日');
    expect(normalizeText('合 計 金 額 ¥1,234,000 円')).toBe('合計金額¥1,234,000円');
    expect(normalizeText('見 積 書 ( 案 )')).toBe('見積書(案)');
    expect(normalizeText('「 契 約 書 」 第 3 条')).toBe('「契約書」第3条');
  });

  it('applies NFKC: full-width Latin and digits, half-width kana, ideographic space', () => {
    expect(normalizeText('ＡＢＣ１２３')).toBe('ABC123');
    expect(normalizeText('ｶﾀｶﾅ')).toBe('カタカナ');
    expect(normalizeText('東京都\u3000港区')).toBe('東京都港区');
    expect(normalizeText('（株）')).toBe('(株)');
  });

  it('keeps the spaces between Latin words, also next to Japanese', () => {
    expect(normalizeText('Invoice  number:\t42')).toBe('Invoice number: 42');
    expect(normalizeText('株式会社 ABC Trading の 見積')).toBe('株式会社 ABC Trading の見積');
    expect(normalizeText('Windows 10 対応')).toBe('Windows 10対応');
  });

  it('keeps line breaks, trims lines and collapses runs of blank lines', () => {
    expect(normalizeText('  first line  \r\nsecond\rthird\n\n\n\n  \t \nlast\n\n')).toBe(
      'first line\nsecond\nthird\n\nlast',
    );
    // A line break is not a space: 見積 at the end of a line and 書 on the next stay apart.
    expect(normalizeText('見 積\n書')).toBe('見積\n書');
    expect(normalizeText('page one\fpage two')).toBe('page one\npage two');
  });

  it('removes control and zero-width characters', () => {
    expect(normalizeText('\uFEFFab\u200Bc\u0000d\u00ADe')).toBe('abcde');
  });

  it('is idempotent and safe on empty or blank input', () => {
    const once = normalizeText('請 求 書\n\n\n\nTotal  due  2024 年');
    expect(normalizeText(once)).toBe(once);
    expect(normalizeText('')).toBe('');
    expect(normalizeText(' \n\t\n ')).toBe('');
  });
});
