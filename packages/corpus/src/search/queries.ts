export type QueryCategory = 'ja-compound' | 'ja-word' | 'partial' | 'en-word' | 'en-phrase' | 'mixed' | 'code';

export const CATEGORIES: readonly QueryCategory[] = ['ja-compound', 'ja-word', 'partial', 'en-word', 'en-phrase', 'mixed', 'code'];

/** A query as a user types it, and what it asks for. */
export interface SearchQuery {
  category: QueryCategory;
  /** Typed into `cis search` as is. */
  query: string;
  /**
   * What a relevant document holds, each somewhere in its text or path, as written: the words
   * of the query, a quoted phrase as one. The answer set is computed from these over the
   * generated text (searchTruth), never written by hand.
   */
  terms: string[];
  /** For a compound: the words it is made of, which distractor documents hold apart. */
  parts?: string[];
}

const word = (category: QueryCategory, query: string, parts?: string[]): SearchQuery => ({ category, query, terms: [query], ...(parts ? { parts } : {}) });

export const FIXED_QUERIES: SearchQuery[] = [
  word('ja-compound', 'ファイルシステム', ['ファイル', 'システム']),
  word('ja-compound', 'ファイルロック', ['ファイル', 'ロック']),
  word('ja-compound', 'タイプスクリプト', ['タイプ', 'スクリプト']),
  word('ja-compound', '拡張正規表現', ['拡張', '正規表現']),
  word('ja-compound', '情報システム', ['情報', 'システム']),
  word('ja-compound', '国際空港', ['国際', '空港']),
  word('ja-compound', '文書管理システム', ['文書', '管理', 'システム']),
  word('ja-compound', '個人情報保護', ['個人', '情報', '保護']),
  word('ja-compound', '経費精算', ['経費', '精算']),
  word('ja-compound', '業務委託契約', ['業務', '委託', '契約']),
  word('ja-compound', '基幹システム', ['基幹', 'システム']),

  word('ja-word', '見積書', ['見積', '書']),
  word('ja-word', '請求書', ['請求', '書']),
  word('ja-word', '契約書', ['契約', '書']),
  word('ja-word', '納品書'),
  word('ja-word', '議事録'),
  word('ja-word', '稟議書'),
  word('ja-word', '会議室', ['会議', '室']),
  word('ja-word', '取引先'),
  word('ja-word', '振込先'),

  word('partial', '見積'),
  word('partial', '請求'),
  word('partial', 'ファイル'),
  word('partial', 'システム'),
  word('partial', '正規表現'),
  word('partial', '委託'),
  word('partial', '精算'),
  word('partial', '空港'),

  word('en-word', 'invoice'),
  word('en-word', 'warehouse'),
  word('en-word', 'scanner'),
  word('en-word', 'backup'),
  word('en-word', 'maintenance'),
  word('en-word', 'license'),
  word('en-word', 'shipment'),

  { category: 'en-phrase', query: '"document scanning service"', terms: ['document scanning service'], parts: ['document', 'scanning'] },
  { category: 'en-phrase', query: '"cloud backup"', terms: ['cloud backup'], parts: ['cloud', 'backup'] },
  { category: 'en-phrase', query: '"annual software license"', terms: ['annual software license'], parts: ['software license', 'annual'] },
  { category: 'en-phrase', query: '"delivery schedule"', terms: ['delivery schedule'], parts: ['delivery', 'schedule'] },
  { category: 'en-phrase', query: '"purchase order"', terms: ['purchase order'], parts: ['purchase', 'order'] },

  { category: 'mixed', query: 'TypeScript 型定義', terms: ['TypeScript', '型定義'] },
  { category: 'mixed', query: 'Linux ファイルシステム', terms: ['Linux', 'ファイルシステム'] },
  { category: 'mixed', query: 'PDF 見積書', terms: ['PDF', '見積書'] },
  { category: 'mixed', query: 'USB メモリ', terms: ['USB', 'メモリ'] },
  { category: 'mixed', query: 'AWS 請求書', terms: ['AWS', '請求書'] },
  { category: 'mixed', query: 'Excel 経費精算', terms: ['Excel', '経費精算'] },

  word('code', 'Q-2024-0042'),
  word('code', 'INV-2025-0117'),
  word('code', '2024年4月'),
  word('code', '03-5219-7731'),
  word('code', '100-0005'),
  word('code', '1,200,000円'),
  word('code', '第3条'),
];
