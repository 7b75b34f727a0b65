import type { Rng } from '../random';
import { blank, center, left, right, row, wrapJa } from './layout';
import type { DocContent, DocKind, Line } from './types';

const COMPANIES = [
  '青葉システム', '北斗物産', '富士見精機', '山田製作所', '東邦ロジスティクス', '桜川建設', '大和電機工業',
  '三つ葉商事', '緑ヶ丘フーズ', '朝日印刷', '白鷺化学', '千代田テクノ', '横浜港運', '浪速金属', '瀬戸内造船',
  '日の出食品', '湘南電子', '信州精密', '若葉不動産', '銀河ソフトウェア',
];
const PEOPLE = ['佐藤 健一', '鈴木 美咲', '高橋 大輔', '田中 裕子', '伊藤 直樹', '渡辺 真理', '山本 翔太', '中村 恵', '小林 誠', '加藤 彩'];
const ADDRESSES: Array<[string, string, string]> = [
  ['100-0005', '東京都千代田区丸の内二丁目4番1号', '03-5219-7731'],
  ['530-0001', '大阪府大阪市北区梅田三丁目1番3号', '06-6345-2210'],
  ['450-0002', '愛知県名古屋市中村区名駅一丁目1番4号', '052-581-3302'],
  ['812-0011', '福岡県福岡市博多区博多駅前二丁目20番1号', '092-412-8890'],
  ['220-0012', '神奈川県横浜市西区みなとみらい三丁目6番1号', '045-222-5108'],
  ['060-0005', '北海道札幌市中央区北五条西二丁目5番', '011-209-4417'],
];
const ITEMS: Array<[string, string, number, number]> = [
  ['ノートパソコン', '台', 120000, 180000],
  ['液晶ディスプレイ', '台', 25000, 45000],
  ['無線アクセスポイント', '台', 30000, 60000],
  ['構内配線工事', '式', 150000, 400000],
  ['サーバー保守サービス', '月', 40000, 90000],
  ['複合機リース料', '月', 12000, 30000],
  ['ステンレス配管部品', '個', 800, 3500],
  ['精密ベアリング', '個', 1200, 4800],
  ['梱包資材', '箱', 2000, 6000],
  ['事務用品一式', '式', 30000, 80000],
  ['クラウド保管サービス', '月', 8000, 25000],
  ['会議室用プロジェクター', '台', 90000, 160000],
  ['業務用空調設置工事', '式', 300000, 900000],
  ['防犯カメラ', '台', 20000, 55000],
  ['文書管理システム導入支援', '式', 200000, 600000],
  ['作業用安全靴', '足', 6000, 12000],
];
const SUBJECTS = [
  '事務所移転に伴う設備工事', '基幹システム更新', '年間保守契約', '工場設備の部品調達', '新入社員用備品の購入',
  '営業所の通信環境整備', '倉庫管理の効率化', '本社会議室の改装',
];
const SERVICES = ['文書電子化業務', '経理事務代行業務', '社内システム運用支援業務', '物流倉庫管理業務', '清掃衛生管理業務', 'ホームページ保守業務'];

export const JA_KINDS: DocKind[] = ['quotation', 'invoice', 'contract', 'delivery', 'minutes'];

const yen = (n: number) => `${n.toLocaleString('en-US')}円`;

function date(rng: Rng): { y: number; m: number; d: number; text: string } {
  const y = rng.int(2023, 2025);
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  return { y, m, d, text: `${y}年${m}月${d}日` };
}

function company(rng: Rng, exclude?: string): string {
  let name: string;
  do name = rng.pick(COMPANIES);
  while (name === exclude);
  return name;
}

interface Party {
  name: string;
  full: string;
  address: [string, string, string];
  person: string;
}

function party(rng: Rng, exclude?: string): Party {
  const name = company(rng, exclude);
  return { name, full: `株式会社${name}`, address: rng.pick(ADDRESSES), person: rng.pick(PEOPLE) };
}

function issuerBlock(p: Party): Line[] {
  return [
    right(p.full),
    right(`〒${p.address[0]} ${p.address[1]}`, 'small'),
    right(`電話 ${p.address[2]}`, 'small'),
    right(`担当 ${p.person}`, 'small'),
  ];
}

function itemRows(rng: Rng, n: number): { lines: Line[]; rows: string[][]; total: number; names: string[] } {
  const chosen = rng.sample(ITEMS, n);
  const lines: Line[] = [row([['品名', 0, 'left'], ['数量', 0.56, 'right'], ['単価', 0.78, 'right'], ['金額', 1, 'right']], 'heading')];
  const rows: string[][] = [];
  let total = 0;
  for (const [name, unit, lo, hi] of chosen) {
    const qty = unit === '式' || unit === '月' ? rng.int(1, 3) : rng.int(1, 40);
    const price = Math.round(rng.int(lo, hi) / 100) * 100;
    const amount = qty * price;
    total += amount;
    const cells = [name, `${qty}${unit}`, yen(price), yen(amount)];
    rows.push(cells);
    lines.push(row([[cells[0]!, 0, 'left'], [cells[1]!, 0.56, 'right'], [cells[2]!, 0.78, 'right'], [cells[3]!, 1, 'right']]));
  }
  return { lines, rows, total, names: chosen.map((c) => c[0]) };
}

function totals(subtotal: number): Line[] {
  const tax = Math.floor(subtotal * 0.1);
  return [
    row([['小計', 0.6, 'left'], [yen(subtotal), 1, 'right']]),
    row([['消費税(10%)', 0.6, 'left'], [yen(tax), 1, 'right']]),
    row([['合計金額', 0.6, 'left'], [yen(subtotal + tax), 1, 'right']], 'heading'),
  ];
}

function number(rng: Rng, prefix: string, y: number): string {
  return `${prefix}-${y}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
}

function trade(rng: Rng, kind: 'quotation' | 'invoice' | 'delivery'): DocContent {
  const issuer = party(rng);
  const client = party(rng, issuer.name);
  const when = date(rng);
  const subject = rng.pick(SUBJECTS);
  const spec = {
    quotation: { title: '御見積書', no: '見積番号', prefix: 'Q', lead: '下記の通り御見積申し上げます。' },
    invoice: { title: '請求書', no: '請求番号', prefix: 'INV', lead: '下記の通り御請求申し上げます。' },
    delivery: { title: '納品書', no: '納品番号', prefix: 'D', lead: '下記の通り納品いたしました。' },
  }[kind];
  const docNo = number(rng, spec.prefix, when.y);
  const items = itemRows(rng, rng.int(3, 6));
  const lines: Line[] = [
    center(spec.title, 'title'),
    blank(),
    right(`${spec.no} ${docNo}`),
    right(`発行日 ${when.text}`),
    left(`${client.full} 御中`, 'heading'),
    blank(),
    left(`件名 ${subject}`),
    left(spec.lead),
    blank(),
    ...items.lines,
    blank(),
    ...totals(items.total),
    blank(),
  ];
  if (kind === 'quotation') lines.push(left('有効期限 発行日より30日間'), left('納期 受注後2週間以内'));
  if (kind === 'invoice') {
    const due = date(rng);
    lines.push(left(`お支払期限 ${due.text}`), left('振込先 青葉銀行 丸の内支店 普通預金 1234567'));
  }
  if (kind === 'delivery') lines.push(left('受領印をお願いいたします。'));
  lines.push(blank(), ...issuerBlock(issuer));
  return {
    lang: 'ja',
    kind,
    title: spec.title,
    lines,
    expectedWords: [spec.title, issuer.full, client.name, items.names[0]!, docNo],
    table: { header: ['品名', '数量', '単価', '金額'], rows: items.rows },
    paragraphs: [`${client.full} 御中`, `件名 ${subject}`, spec.lead, `${spec.no} ${docNo}`, `発行日 ${when.text}`, issuer.full],
  };
}

function contract(rng: Rng): DocContent {
  const a = party(rng);
  const b = party(rng, a.name);
  const service = rng.pick(SERVICES);
  const start = date(rng);
  const fee = rng.int(20, 150) * 10000;
  const articles: Array<[string, string]> = [
    ['目的', `甲は乙に対し、${service}を委託し、乙はこれを受託する。`],
    ['委託料', `委託料は月額${yen(fee)}（消費税別）とし、甲は毎月末日までに翌月分を乙の指定する口座に振り込む。`],
    ['契約期間', `本契約の有効期間は${start.text}から一年間とし、期間満了の一か月前までに双方から申し出がない場合は同一条件で更新する。`],
    ['秘密保持', '甲及び乙は、本契約に関して知り得た相手方の秘密情報を、相手方の書面による承諾なく第三者に開示してはならない。'],
    ['再委託', '乙は、甲の事前の書面による承諾を得た場合に限り、委託業務の一部を第三者に再委託することができる。'],
    ['損害賠償', '甲又は乙は、本契約に違反して相手方に損害を与えた場合、その損害を賠償する責任を負う。'],
    ['協議', '本契約に定めのない事項又は解釈に疑義が生じた事項については、甲乙誠意をもって協議のうえ解決する。'],
  ];
  const lines: Line[] = [center('業務委託契約書', 'title'), blank()];
  const preamble = `${a.full}（以下「甲」という。）と${b.full}（以下「乙」という。）は、${service}の委託に関し、次のとおり契約を締結する。`;
  for (const l of wrapJa(preamble, 40)) lines.push(left(l));
  lines.push(blank());
  articles.forEach(([head, body], i) => {
    lines.push(left(`第${i + 1}条（${head}）`, 'heading'));
    for (const l of wrapJa(body, 40)) lines.push(left(l));
  });
  lines.push(blank(), left('本契約の成立を証するため、本書二通を作成し、甲乙記名押印のうえ各一通を保有する。'), blank());
  lines.push(right(start.text), left(`甲 ${a.address[1]}`), left(`${a.full} 代表取締役 ${a.person}`), left(`乙 ${b.address[1]}`), left(`${b.full} 代表取締役 ${b.person}`));
  return {
    lang: 'ja',
    kind: 'contract',
    title: '業務委託契約書',
    lines,
    expectedWords: ['業務委託契約書', a.full, b.name, service, '秘密保持'],
    paragraphs: [preamble, ...articles.map(([h, body], i) => `第${i + 1}条（${h}） ${body}`)],
  };
}

function minutes(rng: Rng): DocContent {
  const org = party(rng);
  const when = date(rng);
  const topic = rng.pick(SUBJECTS);
  const attendees = rng.sample(PEOPLE, 4);
  const decisions = [
    `${topic}の予算案を承認した。`,
    `${rng.pick(ITEMS)[0]}の発注先を来週中に決定する。`,
    '次回の定例会議までに各部署の進捗を報告する。',
  ];
  const lines: Line[] = [
    center('会議議事録', 'title'),
    blank(),
    left(`日時 ${when.text} 午後2時から午後3時30分`),
    left(`場所 ${org.full} 本社第三会議室`),
    left(`出席者 ${attendees.join('、')}`),
    left(`議題 ${topic}について`),
    blank(),
    left('決定事項', 'heading'),
    ...decisions.map((d, i) => left(`${i + 1}. ${d}`)),
    blank(),
    left(`記録者 ${attendees[0]}`),
  ];
  return {
    lang: 'ja',
    kind: 'minutes',
    title: '会議議事録',
    lines,
    expectedWords: ['会議議事録', org.full, '第三会議室', '決定事項'],
    paragraphs: lines.map((l) => l.segments.map((s) => s.text).join(' ')).filter(Boolean),
  };
}

export function japaneseDocument(rng: Rng, kind: DocKind): DocContent {
  switch (kind) {
    case 'quotation':
    case 'invoice':
    case 'delivery':
      return trade(rng, kind);
    case 'contract':
      return contract(rng);
    case 'minutes':
    case 'letter':
      return minutes(rng);
  }
}

/** A supplier list (取引先一覧) as rows, for spreadsheets and CSV files. */
export function japaneseDirectory(rng: Rng, n: number): { header: string[]; rows: string[][] } {
  const header = ['取引先コード', '会社名', '郵便番号', '所在地', '電話番号', '担当者'];
  const rows = rng.sample(COMPANIES, n).map((name, i) => {
    const [zip, addr, tel] = rng.pick(ADDRESSES);
    return [`C${String(1001 + i * 7)}`, `株式会社${name}`, zip, addr, tel, rng.pick(PEOPLE)];
  });
  return { header, rows };
}
