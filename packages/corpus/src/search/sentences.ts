/**
 * Sentences the search corpus builds its documents from, one printed line each (short enough
 * never to wrap: ≤ 40 Japanese or ≤ 80 Latin characters). They are written so that the query
 * set has something to get wrong: each compound also appears with its parts apart
 * (ファイル … システム), partial words appear without the whole word (見積の依頼書), English
 * phrases appear with their words in another order.
 */

export const JA_SENTENCES = [
  // ファイルシステム / ファイルロック and their parts
  'ファイルシステムの容量が不足しています。',
  'ファイルの管理にはシステム部の承認が必要です。',
  '共有ファイルを新しいシステムへ移行した。',
  'ファイルを開く前に更新日を確認してください。',
  'ファイルロックが解除されないため再起動した。',
  'ファイルを編集する前にロックを取得する。',
  // タイプスクリプト, 拡張正規表現
  'タイプスクリプトで管理画面を作成した。',
  'タイプの異なるスクリプトを一つにまとめる。',
  '拡張正規表現で検索条件を指定する。',
  '正規表現を拡張して日付を抽出する。',
  // 情報システム, 国際空港, 文書管理システム
  '情報システム部門に利用申請を提出する。',
  'システムの情報を定期的に更新する。',
  '関西国際空港から出張に出発した。',
  '国際線は別の空港から出発する。',
  '文書管理システムの導入支援を依頼した。',
  '文書の管理はまだシステム化されていない。',
  // 個人情報保護, 経費精算, 業務委託契約, 基幹システム
  '個人情報保護方針を改定しました。',
  '個人の情報を保護するため暗号化する。',
  '経費精算の締め日は毎月25日です。',
  '経費の精算は翌月にまとめて行う。',
  '出張旅費精算書を提出してください。',
  '業務委託契約書を締結しました。',
  '業務の委託に関する契約を見直す。',
  '基幹システム更新の説明会を開催する。',
  'システムの基幹部分に障害が発生した。',
  // business paperwork: whole words, parts, prefixes
  '御見積書を送付いたしますのでご確認ください。',
  '見積書の再発行をお願いします。',
  '見積の依頼書を受け取りました。',
  '見積番号を必ず記載してください。',
  '請求書を本日発行しました。',
  '請求の書類一式を郵送します。',
  '契約書の原本を保管庫に戻した。',
  '契約の書面は電子化する予定です。',
  '納品書と受領書を同封します。',
  '議事録を共有フォルダに保存した。',
  '稟議書の承認が下りました。',
  '第三会議室を予約しました。',
  '会議の後で別室に移動する。',
  '取引先一覧を更新しました。',
  '振込先の口座を変更します。',
  // filler
  '明日の打ち合わせは午後2時からです。',
  '資料は前日までに配布します。',
  'サーバーの保守作業を実施します。',
  'ご不明な点はお問い合わせください。',
];

export const EN_SENTENCES = [
  'Please find the invoice for March attached.',
  'The invoices for April were sent yesterday.',
  'The warehouse inventory was checked on Friday.',
  'A new barcode scanner arrived at the warehouse.',
  'Scanning each document takes about two minutes.',
  'We offer a document scanning service for old archives.',
  'The cloud backup runs every night at two.',
  'A backup of the cloud folders is kept offsite.',
  'Annual software license renewal is due in June.',
  'The software license was renewed annually.',
  'Our licensed installers will visit next week.',
  'Maintenance of the projector is scheduled for May.',
  'The shipment left the port on Monday.',
  'The delivery schedule for the second quarter is attached.',
  'The schedule of each delivery changes weekly.',
  'Please issue a purchase order before ordering.',
  'The order to purchase new chairs was approved.',
  'Thank you for your prompt reply.',
  'The meeting has been moved to Thursday.',
];

export const MIXED_SENTENCES = [
  'TypeScript の型定義を追加した。',
  '型の定義は TypeScript で書く。',
  'Linux のファイルシステムを点検した。',
  'PDF の見積書を添付します。',
  'USB メモリは持ち込み禁止です。',
  'AWS の請求書を確認する。',
  'Excel で経費精算を行う。',
  'Windows の更新プログラムを適用した。',
];

/** Codes, numbers and dates, with near misses of each other (Q- / D-, 0042 / 0421, 2024 / 2025). */
export const CODE_LINES = {
  ja: [
    '見積番号 Q-2024-0042',
    '納品番号 D-2024-0042',
    '見積番号 Q-2024-0421',
    '見積番号 Q-2025-0042',
    '請求番号 INV-2025-0117',
    '請求番号 INV-2025-1170',
    '発行日 2024年4月1日',
    '発行日 2024年11月5日',
    '電話 03-5219-7731',
    '電話 03-5219-7713',
    '〒100-0005 東京都千代田区丸の内',
    '〒100-0050 東京都千代田区神田',
    '合計金額 1,200,000円',
    '合計金額 1,250,000円',
    '第3条に定める期間',
    '第13条に定める期間',
  ],
  en: ['Order no. PO-7731', 'Order no. PO-7713', 'Invoice INV-2025-0117', 'Total $12,480.00', 'Total $1,248.00'],
};

export const TITLES = {
  ja: ['社内連絡', '技術メモ', '総務からのお知らせ', '経理部連絡', '作業報告', '確認事項'],
  en: ['Notice', 'Memo', 'Update', 'Status report', 'Reminder'],
};
