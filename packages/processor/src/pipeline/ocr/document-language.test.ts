import { renderLines } from '../../../test/support/ocr-pages';
import { oneLanguagePerDocument } from './document-language';
import { createOcrPool, type OcrPool, type OcrPoolResult } from './pool';

// Real tesseract.js threads on generated pages.
jest.setTimeout(90_000);

const japanese = () =>
  renderLines([
    { text: '御見積書 株式会社サンプル商事', font: 'gothic', px: 44 },
    { text: '下記の通りお見積り申し上げます。', font: 'mincho', px: 44 },
    { text: '納期 受注後2週間以内 有効期限 発行日より30日間', font: 'gothic', px: 44 },
  ]);
const english = () =>
  renderLines([
    { text: 'Quotation for office furniture', font: 'sans', px: 40 },
    { text: 'Invoice number 4711 payable in thirty days', font: 'sans', px: 40 },
  ]);

describe('oneLanguagePerDocument', () => {
  let pool: OcrPool;
  beforeAll(() => {
    pool = createOcrPool({ threads: 1 });
  });
  afterAll(() => pool.close());

  it('probes the first page only; a later page in the other language still comes out right', async () => {
    const doc = oneLanguagePerDocument(pool);
    const first = (await doc.recognize({ kind: 'encoded', data: japanese() })) as OcrPoolResult;
    expect(first.lang).toBe('jpn');
    expect(first.passes.some((p) => p.probe)).toBe(true);

    const second = (await doc.recognize({ kind: 'encoded', data: japanese() })) as OcrPoolResult;
    expect(second.lang).toBe('jpn');
    expect(second.text).toContain('御見積書');
    expect(second.passes.map((p) => p.model)).toEqual(['jpn']);

    // The document said jpn; this page is English: jpn reads it with too little CJK, eng reads it again.
    const third = (await doc.recognize({ kind: 'encoded', data: english() })) as OcrPoolResult;
    expect(third.lang).toBe('eng');
    expect(third.text).toContain('Invoice number 4711');
    expect(third.passes.map((p) => p.model)).toEqual(['jpn', 'eng']);
  });

  it('an English document: no probe after the first page; a Japanese page among them is still read as Japanese', async () => {
    const doc = oneLanguagePerDocument(pool);
    expect((await doc.recognize({ kind: 'encoded', data: english() })).lang).toBe('eng');
    const second = (await doc.recognize({ kind: 'encoded', data: english() })) as OcrPoolResult;
    expect(second.passes.map((p) => p.model)).toEqual(['eng']);
    const japanesePage = (await doc.recognize({ kind: 'encoded', data: japanese() })) as OcrPoolResult;
    expect(japanesePage.lang).toBe('jpn');
    expect(japanesePage.text).toContain('御見積書');
  });

  it('leaves a caller that names one language alone', async () => {
    const doc = oneLanguagePerDocument(pool);
    await doc.recognize({ kind: 'encoded', data: english() });
    const forced = (await doc.recognize({ kind: 'encoded', data: japanese() }, { langs: ['jpn'] })) as OcrPoolResult;
    expect(forced.passes.map((p) => p.model)).toEqual(['jpn']);
  });
});
