import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import MsgReader from '@kenjiuno/msgreader';
import { convert as htmlToText } from 'html-to-text';
import PostalMime from 'postal-mime';
import { UnreadableFileError, errorMessage } from '../../../core/errors';
import { normalizeText } from '../../../core/normalize-text';
import type { DocumentFields, ExtractContext, ExtractInput, Extraction, Extractor } from '../../../core/types';
import { MIME } from '../../detect/mime';
import { compact, isoDate } from '../fields/xml-values';
import { MemberWriter } from './members';

/** Mails larger than this are not parsed in memory (attachments of a mail server are capped far lower). */
const MAX_MAIL_BYTES = 512 * 1024 * 1024;

interface Mail {
  fields: DocumentFields;
  body: string;
  attachments: Array<{ name: string; bytes: Uint8Array }>;
}

/**
 * The mail is a document (from, to, cc, subject, date as fields; subject and body as text) and
 * each attachment is a member, a document of its own. `.eml` (RFC 822 with MIME) through
 * postal-mime, Outlook `.msg` through msgreader.
 */
function mailExtractor(name: string, mimeTypes: string[], parse: (bytes: Buffer) => Promise<Mail>): Extractor {
  return {
    name,
    mimeTypes,
    container: true,
    async extract(input: ExtractInput, ctx: ExtractContext): Promise<Extraction> {
      if (input.size > MAX_MAIL_BYTES) throw new UnreadableFileError(`mail is over ${MAX_MAIL_BYTES / 2 ** 20} MiB, not parsed`);
      const mail = await parse(await readFile(input.path));
      const writer = await MemberWriter.create(ctx);
      try {
        for (const a of mail.attachments) {
          ctx.signal?.throwIfAborted();
          if (writer.full) {
            writer.skip();
            continue;
          }
          await writer.add(a.name, async () => Readable.from([Buffer.from(a.bytes)]), { declared: a.bytes.byteLength });
        }
        const text = normalizeText([mail.fields.subject ?? '', mail.body].filter(Boolean).join('\n\n'));
        return { text, pages: 1, ocrPages: [], fields: mail.fields, ...writer.finish() };
      } catch (err) {
        await writer.discard();
        throw err;
      }
    },
  };
}

export const emlExtractor = mailExtractor('container-eml', [MIME.eml], parseEml);
export const msgExtractor = mailExtractor('container-msg', [MIME.msg], parseMsg);

type Address = { name?: string; address?: string; group?: Address[] };

function addresses(list: Address[] | Address | undefined): string[] {
  const flat = (a: Address): Address[] => (a.group ? a.group.flatMap(flat) : [a]);
  return (Array.isArray(list) ? list : list ? [list] : []).flatMap(flat).map(formatAddress).filter(Boolean);
}

function formatAddress(a: { name?: string; address?: string }): string {
  const name = a.name?.trim();
  const address = a.address?.trim();
  return name && address && name !== address ? `${name} <${address}>` : (address ?? name ?? '');
}

async function parseEml(bytes: Buffer): Promise<Mail> {
  // A mail must start with a header block; postal-mime takes any bytes as a body without headers.
  const head = bytes.subarray(0, 8192).toString('latin1');
  if (!/^[A-Za-z][\w-]*:/.test(head)) throw new UnreadableFileError('malformed mail: no header lines at the start');
  let email: PostalMime.Email;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    throw new UnreadableFileError(`malformed mail: ${errorMessage(err)}`, { cause: err });
  }
  if (!email.from && !email.subject && !email.date) throw new UnreadableFileError('malformed mail: no From, Subject or Date header');
  const body = email.text ?? (email.html ? htmlToText(email.html, { wordwrap: false }) : '');
  return {
    fields: compact({
      from: addresses(email.from as Address | undefined)[0],
      to: addresses(email.to as Address[] | undefined),
      cc: addresses(email.cc as Address[] | undefined),
      subject: email.subject?.trim(),
      sentAt: isoDate(email.date),
    }),
    body,
    attachments: email.attachments.map((a, i) => ({
      name: a.filename ?? `attachment-${i + 1}${a.mimeType === 'message/rfc822' ? '.eml' : ''}`,
      bytes: typeof a.content === 'string' ? Buffer.from(a.content) : new Uint8Array(a.content as ArrayBuffer),
    })),
  };
}

async function parseMsg(bytes: Buffer): Promise<Mail> {
  let reader: MsgReader;
  let data: ReturnType<MsgReader['getFileData']>;
  try {
    reader = new MsgReader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    data = reader.getFileData();
  } catch (err) {
    throw new UnreadableFileError(`malformed Outlook message: ${errorMessage(err)}`, { cause: err });
  }
  if (data.dataType !== 'msg') throw new UnreadableFileError('malformed Outlook message: no message properties');
  const recipients = (kind: 'to' | 'cc') =>
    (data.recipients ?? []).filter((r) => (r.recipType ?? 'to') === kind).map((r) => formatAddress({ name: r.name, address: r.smtpAddress ?? r.email }));
  const attachments: Mail['attachments'] = [];
  for (const [i, a] of (data.attachments ?? []).entries()) {
    if (a.innerMsgContent) continue;
    try {
      const got = reader.getAttachment(a);
      attachments.push({ name: got.fileName || a.fileName || a.name || `attachment-${i + 1}`, bytes: got.content });
    } catch (err) {
      throw new UnreadableFileError(`malformed Outlook message: attachment ${i + 1}: ${errorMessage(err)}`, { cause: err });
    }
  }
  return {
    fields: compact({
      from: formatAddress({ name: data.senderName, address: data.senderSmtpAddress ?? data.senderEmail }) || undefined,
      to: recipients('to'),
      cc: recipients('cc'),
      subject: data.subject?.trim(),
      sentAt: isoDate(data.clientSubmitTime ?? data.messageDeliveryTime),
    }),
    body: data.body ?? (data.bodyHtml ? htmlToText(data.bodyHtml, { wordwrap: false }) : ''),
    attachments,
  };
}
