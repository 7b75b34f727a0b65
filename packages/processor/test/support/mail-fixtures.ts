import * as CFB from 'cfb';

/**
 * Mails for tests. `.eml` is written by hand (RFC 822 + MIME is text); `.msg` as the minimal
 * Outlook message a compound-file writer can make (cfb, SheetJS): no library on npm writes .msg.
 * The property names follow [MS-OXMSG]: `__substg1.0_<tag><type>` streams, one storage per
 * recipient and attachment.
 */

export interface MailSpec {
  from: { name: string; address: string };
  to: Array<{ name: string; address: string }>;
  cc?: Array<{ name: string; address: string }>;
  subject: string;
  body: string;
  date: Date;
  attachments: Array<{ name: string; mime: string; data: Uint8Array }>;
}

/** RFC 2047 encoded-word (UTF-8, base64): Japanese names and subjects as mail clients write them. */
const word = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);
const address = (a: { name: string; address: string }) => `${word(a.name)} <${a.address}>`;
const base64Lines = (data: Uint8Array) => Buffer.from(data).toString('base64').replace(/.{76}/g, '$&\r\n');

export function eml(spec: MailSpec): Buffer {
  const boundary = 'cis-test-boundary-7f3a';
  const lines = [
    `From: ${address(spec.from)}`,
    `To: ${spec.to.map(address).join(', ')}`,
    ...(spec.cc ? [`Cc: ${spec.cc.map(address).join(', ')}`] : []),
    `Subject: ${word(spec.subject)}`,
    `Date: ${spec.date.toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(spec.body, 'utf8')),
    ...spec.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.mime}; name="${word(a.name)}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${word(a.name)}"`,
      '',
      base64Lines(a.data),
    ]),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

const unicode = (s: string) => Buffer.from(`${s}\0`, 'utf16le');
/** A property stream: a header (32 bytes for the message, 8 for recipients and attachments), then 16-byte entries. */
const properties = (headerBytes: number, entries: Array<{ tag: number; type: number; value: number }>) => {
  const out = Buffer.alloc(headerBytes + entries.length * 16);
  entries.forEach((e, i) => {
    const at = headerBytes + i * 16;
    out.writeUInt16LE(e.type, at);
    out.writeUInt16LE(e.tag, at + 2);
    out.writeUInt32LE(0x6, at + 4); // readable, writable
    out.writeUInt32LE(e.value, at + 8);
  });
  return out;
};

export function msg(spec: MailSpec): Buffer {
  const cfb = CFB.utils.cfb_new();
  const add = (path: string, data: Buffer) => CFB.utils.cfb_add(cfb, path, data);
  add('/__nameid_version1.0/__substg1.0_00020102', Buffer.alloc(0));
  add('/__properties_version1.0', properties(32, []));
  add('/__substg1.0_001A001F', unicode('IPM.Note'));
  add('/__substg1.0_0037001F', unicode(spec.subject));
  add('/__substg1.0_1000001F', unicode(spec.body));
  add('/__substg1.0_0C1A001F', unicode(spec.from.name));
  add('/__substg1.0_5D01001F', unicode(spec.from.address));
  add('/__substg1.0_0C1F001F', unicode(spec.from.address));
  const recipients = [...spec.to.map((r) => ({ ...r, type: 1 })), ...(spec.cc ?? []).map((r) => ({ ...r, type: 2 }))];
  recipients.forEach((r, i) => {
    const dir = `/__recip_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`;
    add(`${dir}/__properties_version1.0`, properties(8, [{ tag: 0x0c15, type: 0x0003, value: r.type }]));
    add(`${dir}/__substg1.0_3001001F`, unicode(r.name));
    add(`${dir}/__substg1.0_3003001F`, unicode(r.address));
    add(`${dir}/__substg1.0_39FE001F`, unicode(r.address));
  });
  spec.attachments.forEach((a, i) => {
    const dir = `/__attach_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`;
    add(`${dir}/__properties_version1.0`, properties(8, [{ tag: 0x3705, type: 0x0003, value: 1 }]));
    add(`${dir}/__substg1.0_3707001F`, unicode(a.name));
    add(`${dir}/__substg1.0_3704001F`, unicode(a.name));
    add(`${dir}/__substg1.0_370E001F`, unicode(a.mime));
    add(`${dir}/__substg1.0_37010102`, Buffer.from(a.data));
  });
  return CFB.write(cfb, { type: 'buffer' }) as Buffer;
}
