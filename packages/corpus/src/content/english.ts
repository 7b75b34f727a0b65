import type { Rng } from '../random';
import { blank, center, left, right, row, wrapEn } from './layout';
import type { DocContent, DocKind, Line } from './types';

const COMPANIES = [
  'Northwind Traders Ltd', 'Harbor Analytics Inc', 'Bluebell Logistics', 'Crescent Engineering', 'Maple Leaf Supplies',
  'Summit Office Systems', 'Redwood Consulting LLC', 'Atlas Marine Parts', 'Orchard Foods Co', 'Silverline Printing',
  'Granite Peak Software', 'Kestrel Aviation Services',
];
const PEOPLE = ['Emily Carter', 'James Whitfield', 'Olivia Bennett', 'Daniel Hughes', 'Sophie Turner', 'Michael Grant', 'Hannah Price', 'Robert Ellison'];
const ADDRESSES = [
  ['1200 Market Street', 'San Francisco, CA 94102'],
  ['45 King William Street', 'London EC4R 9AN'],
  ['300 Bay Street', 'Toronto, ON M5H 2S8'],
  ['88 Collins Street', 'Melbourne VIC 3000'],
  ['500 Boylston Street', 'Boston, MA 02116'],
];
const ITEMS: Array<[string, number, number]> = [
  ['Ergonomic office chair', 180, 420],
  ['Standing desk frame', 260, 640],
  ['Network switch, 24 ports', 310, 890],
  ['Annual software license', 900, 4800],
  ['On-site installation service', 450, 1800],
  ['Laser printer toner cartridge', 60, 140],
  ['Document scanning service', 300, 2500],
  ['Cloud backup subscription', 40, 220],
  ['Conference room projector', 700, 1600],
  ['Warehouse barcode scanner', 120, 380],
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const TOPICS = [
  'the renewal of our maintenance agreement', 'the delivery schedule for the second quarter', 'the migration of your archive to digital storage',
  'the revised price list for office equipment', 'the inspection results of the Yokohama warehouse',
];

export const EN_KINDS: DocKind[] = ['invoice', 'quotation', 'letter'];

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function date(rng: Rng): { y: number; text: string } {
  const y = rng.int(2023, 2025);
  return { y, text: `${rng.pick(MONTHS)} ${rng.int(1, 28)}, ${y}` };
}

function pickOther(rng: Rng, list: string[], exclude: string): string {
  let v: string;
  do v = rng.pick(list);
  while (v === exclude);
  return v;
}

function trade(rng: Rng, kind: 'invoice' | 'quotation'): DocContent {
  const issuer = rng.pick(COMPANIES);
  const client = pickOther(rng, COMPANIES, issuer);
  const [street, city] = rng.pick(ADDRESSES) as [string, string];
  const when = date(rng);
  const title = kind === 'invoice' ? 'INVOICE' : 'QUOTATION';
  const docNo = `${kind === 'invoice' ? 'INV' : 'QT'}-${when.y}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
  const chosen = rng.sample(ITEMS, rng.int(3, 6));
  const header = ['Description', 'Qty', 'Unit price', 'Amount'];
  const lines: Line[] = [
    center(title, 'title'),
    blank(),
    left(issuer, 'heading'),
    left(street, 'small'),
    left(city, 'small'),
    blank(),
    right(`${kind === 'invoice' ? 'Invoice' : 'Quotation'} No. ${docNo}`),
    right(`Date: ${when.text}`),
    left(kind === 'invoice' ? 'Bill to:' : 'Prepared for:', 'heading'),
    left(client),
    blank(),
    row([[header[0]!, 0, 'left'], [header[1]!, 0.58, 'right'], [header[2]!, 0.79, 'right'], [header[3]!, 1, 'right']], 'heading'),
  ];
  const rows: string[][] = [];
  let subtotal = 0;
  for (const [name, lo, hi] of chosen) {
    const qty = rng.int(1, 12);
    const price = rng.int(lo, hi);
    subtotal += qty * price;
    const cells = [name, String(qty), usd(price), usd(qty * price)];
    rows.push(cells);
    lines.push(row([[cells[0]!, 0, 'left'], [cells[1]!, 0.58, 'right'], [cells[2]!, 0.79, 'right'], [cells[3]!, 1, 'right']]));
  }
  const tax = Math.round(subtotal * 0.08);
  lines.push(
    blank(),
    row([['Subtotal', 0.6, 'left'], [usd(subtotal), 1, 'right']]),
    row([['Sales tax (8%)', 0.6, 'left'], [usd(tax), 1, 'right']]),
    row([[kind === 'invoice' ? 'Total due' : 'Total', 0.6, 'left'], [usd(subtotal + tax), 1, 'right']], 'heading'),
    blank(),
    left(kind === 'invoice' ? 'Payment terms: Net 30 days by bank transfer.' : 'This quotation is valid for 30 days.'),
    left('Thank you for your business.'),
  );
  return {
    lang: 'en',
    kind,
    title,
    lines,
    expectedWords: [issuer.split(' ')[0]!, client.split(' ')[0]!, docNo, chosen[0]![0].split(/[ ,]/)[0]!],
    table: { header, rows },
    paragraphs: [`${title} ${docNo}`, `Date: ${when.text}`, `From: ${issuer}, ${street}, ${city}`, `To: ${client}`],
  };
}

function letter(rng: Rng): DocContent {
  const issuer = rng.pick(COMPANIES);
  const client = pickOther(rng, COMPANIES, issuer);
  const [street, city] = rng.pick(ADDRESSES) as [string, string];
  const sender = rng.pick(PEOPLE);
  const recipient = pickOther(rng, PEOPLE, sender);
  const topic = rng.pick(TOPICS);
  const when = date(rng);
  const body = [
    `Thank you for your letter regarding ${topic}. We have reviewed the points you raised with our operations team and are pleased to confirm our position below.`,
    `Our engineers will visit your site in the week following your confirmation. The work will be carried out outside business hours so that your staff are not disturbed, and a written report will be sent within five working days.`,
    `Should you have any questions, please contact me directly. We value our long relationship with ${client} and look forward to continuing it.`,
  ];
  const lines: Line[] = [left(issuer, 'heading'), left(`${street}, ${city}`, 'small'), blank(), right(when.text), blank(), left(recipient), left(client), blank()];
  lines.push(left(`Re: ${topic[0]!.toUpperCase()}${topic.slice(1)}`, 'heading'), blank(), left(`Dear ${recipient.split(' ')[0]},`), blank());
  for (const p of body) {
    for (const l of wrapEn(p, 78)) lines.push(left(l));
    lines.push(blank());
  }
  lines.push(left('Yours sincerely,'), blank(), left(sender), left(`Customer Relations, ${issuer}`));
  return {
    lang: 'en',
    kind: 'letter',
    title: `Letter to ${client}`,
    lines,
    expectedWords: [issuer.split(' ')[0]!, recipient.split(' ')[1]!, 'engineers', 'relationship'],
    paragraphs: [issuer, when.text, recipient, client, `Dear ${recipient.split(' ')[0]},`, ...body, 'Yours sincerely,', sender],
  };
}

export function englishDocument(rng: Rng, kind: DocKind): DocContent {
  switch (kind) {
    case 'invoice':
    case 'quotation':
      return trade(rng, kind);
    default:
      return letter(rng);
  }
}

/** An order list as rows, for CSV files. */
export function englishOrders(rng: Rng, n: number): { header: string[]; rows: string[][] } {
  const header = ['Order ID', 'Customer', 'Item', 'Quantity', 'Unit price', 'Ship date'];
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const [item, lo, hi] = rng.pick(ITEMS);
    rows.push([`PO-${rng.int(10000, 99999)}`, rng.pick(COMPANIES), item, String(rng.int(1, 50)), rng.int(lo, hi).toFixed(2), date(rng).text]);
  }
  return { header, rows };
}
