import iconv from 'iconv-lite';
import { pageText, type DocContent } from '../content/types';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis';

/** Windows-31J, the Shift_JIS that Japanese Windows software actually writes. */
function encode(text: string, encoding: TextEncoding): Buffer {
  if (encoding === 'shift_jis') return iconv.encode(text, 'cp932');
  const utf8 = Buffer.from(text, 'utf8');
  return encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
}

export interface TextFile {
  data: Buffer;
  /** The text as a reader should decode it. */
  text: string;
}

/** The printed lines of a document as a plain-text file (CRLF line ends, as Windows editors save). */
export function plainTextFile(doc: DocContent, encoding: TextEncoding): TextFile {
  const text = `${pageText(doc.lines)}\r\n`;
  return { data: encode(text, encoding), text };
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvFile(table: { header: string[]; rows: string[][] }, encoding: TextEncoding): TextFile {
  const text = `${[table.header, ...table.rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
  return { data: encode(text, encoding), text };
}

export function markdownFile(doc: DocContent): TextFile {
  const parts = [`# ${doc.title}`, '', ...doc.paragraphs.flatMap((p) => [p, ''])];
  if (doc.table) {
    parts.push(`| ${doc.table.header.join(' | ')} |`, `|${doc.table.header.map(() => ' --- |').join('')}`);
    for (const r of doc.table.rows) parts.push(`| ${r.join(' | ')} |`);
    parts.push('');
  }
  const text = parts.join('\n');
  return { data: encode(text, 'utf-8'), text };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An intranet-style page; Shift_JIS pages declare their charset in a meta tag, as old ones do. */
export function htmlFile(doc: DocContent, encoding: TextEncoding): TextFile {
  const charset = encoding === 'shift_jis' ? 'Shift_JIS' : 'utf-8';
  const table = doc.table
    ? `<table>\n<tr>${doc.table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>\n${doc.table.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('\n')}\n</table>\n`
    : '';
  const html = `<!DOCTYPE html>
<html lang="${doc.lang}">
<head>
<meta charset="${charset}">
<title>${escapeHtml(doc.title)}</title>
<style>body { font-family: sans-serif; margin: 2em; } td, th { border: 1px solid #999; padding: 2px 6px; }</style>
</head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
${doc.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${table}</body>
</html>
`;
  const text = [doc.title, ...doc.paragraphs, ...(doc.table ? [doc.table.header, ...doc.table.rows].flat() : [])].join('\n');
  return { data: encode(html, encoding), text };
}
