/** Business-paperwork lines for generated OCR pages; `{n}` becomes a number, `{d}` a day. */
export const JAPANESE_LINES = [
  '株式会社サンプル商事 御中',
  '下記の通りお見積り申し上げます。',
  '件名：事務所移転に伴う什器搬入作業',
  '見積番号：Q-{n}',
  '発行日：2024年{d}月{d}日',
  '有効期限：発行日より30日間',
  '事務用デスク 12台 単価 {n}円',
  '合計金額（税込）{n}円',
  'お支払条件：月末締め翌月末払い',
  '納期：ご発注後2週間以内',
  '本契約の有効期間は、締結日から一年間とする。',
  '甲及び乙は、本契約に定めのない事項について誠実に協議する。',
  '振込先：東京中央銀行 丸の内支店 普通 {n}',
  '恐れ入りますが振込手数料は貴社にてご負担願います。',
  '備考：消費税率10%対象',
  '東京都千代田区丸の内一丁目2番3号',
  '電話番号：03-{n}-{n}',
  '担当者：営業部 山田太郎',
  '納品書、検収書、発注書を同封いたします。',
  '上記金額を正に領収いたしました。',
  '会議議事録 出席者：田中、佐藤、鈴木',
  '次回の打ち合わせは来週火曜日の午後三時からとします。',
  '個人情報の取り扱いには十分注意してください。',
  '第5条（秘密保持）乙は、甲から開示された情報を第三者に開示してはならない。',
  '本書の内容は、関係者以外に開示しないでください。',
  '作業報告書を添付いたしますので、ご確認のほどよろしくお願いいたします。',
  '請求書番号：INV-{n} ご請求金額 {n}円',
  '大阪府大阪市北区梅田三丁目4番5号 第二ビル8階',
  '検収完了後、速やかにお支払いいたします。',
  '保守契約の更新について、ご検討をお願い申し上げます。',
];

export const ENGLISH_LINES = [
  'Sample Trading Co., Ltd.',
  'We are pleased to submit the following quotation.',
  'Subject: Moving office furniture to the new site',
  'Quotation number: Q-{n}',
  'Date of issue: {d} April 2024',
  'This quotation is valid for thirty days.',
  'Office desks, 12 units at {n} yen each',
  'Total amount including tax: {n} yen',
  'Payment terms: net 30 days from the end of the month',
  'Delivery within two weeks after the purchase order.',
  'This agreement remains in force for one year from signing.',
  'Both parties shall consult in good faith on any other matter.',
  'Bank account: Central Bank, Marunouchi branch, {n}',
  'Bank transfer fees are to be borne by the customer.',
  'Remarks: consumption tax of 10 percent applies.',
  '1-2-3 Marunouchi, Chiyoda-ku, Tokyo',
  'Telephone: +81 3 {n} {n}',
  'Contact: Taro Yamada, Sales Department',
  'Please find the delivery note and the purchase order enclosed.',
  'We hereby acknowledge receipt of the above amount.',
  'Minutes of the meeting. Present: Tanaka, Sato, Suzuki',
  'The next meeting will be held on Tuesday at three in the afternoon.',
  'Personal information must be handled with the greatest care.',
  'Article 5 (Confidentiality): the receiving party shall not disclose it.',
  'Do not share the contents of this document outside the team.',
  'The work report is attached for your review and approval.',
  'Invoice number INV-{n}, amount due {n} yen',
  'Umeda Building 2, 8th floor, Kita-ku, Osaka',
  'Payment will be made promptly after acceptance.',
  'We kindly ask you to consider renewing the maintenance contract.',
];

export const TITLES = { jpn: ['御見積書', '請求書', '契約書', '議事録', '納品書'], eng: ['Quotation', 'Invoice', 'Agreement', 'Minutes', 'Delivery Note'] };

/** Deterministic pseudo-random numbers (mulberry32), so pages and their known text repeat exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fillTemplate(line: string, random: () => number): string {
  return line
    .replace(/\{n\}/g, () => String(1000 + Math.floor(random() * 899000)))
    .replace(/\{d\}/g, () => String(1 + Math.floor(random() * 12)));
}
