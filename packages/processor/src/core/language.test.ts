import { detectLanguage } from './language';

describe('detectLanguage', () => {
  it.each([
    ['ja', '本契約は、甲と乙の間における業務委託の条件を定めるものである。見積書は別紙のとおりとする。'],
    ['ja', 'TypeScript のコンパイラは型を検査します。ファイルシステムの操作は非同期で行うこと。'],
    ['en', 'The quotation attached to this mail is valid for thirty days from the date of issue.'],
    ['other', 'Der Vertrag tritt mit der Unterzeichnung durch beide Parteien in Kraft und gilt unbefristet.'],
    ['other', '12345 67890 2024-01-01'],
    ['other', ''],
  ])('says %s for %j', (expected, text) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it('keeps English text with a few Japanese names English', () => {
    expect(detectLanguage('Meeting notes: Tanaka (田中) and Suzuki agreed on the schedule for the release of the new product line.')).toBe('en');
  });
});
