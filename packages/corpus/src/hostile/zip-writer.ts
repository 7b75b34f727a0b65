import { constants, createDeflateRaw, crc32 } from 'node:zlib';
import { FIXED_DATE } from '../pdf/document';

/** One part of a zip: its content as a stream of chunks, so that a part can inflate to gigabytes while the generator holds only its compressed form. */
export interface ZipPart {
  name: string;
  content: Iterable<Buffer | string> | AsyncIterable<Buffer | string>;
  /** Writes this uncompressed size in the headers instead of the real one (a part that lies about its size). */
  declaredSize?: number;
  /** The name's bytes as written, without the UTF-8 flag (CP932 names, as Windows in Japan writes them). */
  nameBytes?: Buffer;
  /** Sets the encryption flag (the content itself is not encrypted: readers must refuse it by the flag). */
  encrypted?: boolean;
}

interface Written {
  name: Buffer;
  flags: number;
  crc: number;
  compressed: Buffer;
  size: number;
  offset: number;
}

/** DOS date and time of FIXED_DATE, so that a rebuild gives the same bytes. */
const DOS_TIME = ((FIXED_DATE.getUTCHours() << 11) | (FIXED_DATE.getUTCMinutes() << 5) | (FIXED_DATE.getUTCSeconds() >> 1)) & 0xffff;
const DOS_DATE = (((FIXED_DATE.getUTCFullYear() - 1980) << 9) | ((FIXED_DATE.getUTCMonth() + 1) << 5) | FIXED_DATE.getUTCDate()) & 0xffff;

/**
 * A minimal zip writer (deflate, no zip64) whose parts are streamed through zlib: the hostile
 * packages hold parts of hundreds of megabytes to gigabytes of repetitive content, which
 * compress to a few hundred kilobytes and must never be held whole.
 */
export async function writeZip(parts: ZipPart[]): Promise<Buffer> {
  const written: Written[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const { compressed, crc, size } = await deflatePart(part.content);
    const name = part.nameBytes ?? Buffer.from(part.name, 'utf8');
    const flags = (part.nameBytes ? 0 : 0x0800) | (part.encrypted ? 0x1 : 0);
    const declared = part.declaredSize ?? size;
    if (declared > 0xffffffff || compressed.length > 0xffffffff) throw new Error(`zip part ${part.name} needs zip64, which this writer does not write`);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(flags, 6); // 0x800: UTF-8 name; 0x1: encrypted
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(compressed.length, 18);
    header.writeUInt32LE(declared, 22);
    header.writeUInt16LE(name.length, 26);
    chunks.push(header, name, compressed);
    written.push({ name, flags, crc, compressed, size: declared, offset });
    offset += header.length + name.length + compressed.length;
  }
  const directoryStart = offset;
  for (const w of written) {
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(w.flags, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(DOS_TIME, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(w.crc, 16);
    entry.writeUInt32LE(w.compressed.length, 20);
    entry.writeUInt32LE(w.size, 24);
    entry.writeUInt16LE(w.name.length, 28);
    entry.writeUInt32LE(w.offset, 42);
    chunks.push(entry, w.name);
    offset += entry.length + w.name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(written.length, 8);
  end.writeUInt16LE(written.length, 10);
  end.writeUInt32LE(offset - directoryStart, 12);
  end.writeUInt32LE(directoryStart, 16);
  chunks.push(end);
  return Buffer.concat(chunks);
}

async function deflatePart(content: ZipPart['content']): Promise<{ compressed: Buffer; crc: number; size: number }> {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  let size = 0;
  for await (const piece of content) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await ended;
  return { compressed: Buffer.concat(out), crc: crc >>> 0, size };
}

/** `total` bytes of one value, in chunks of 16 MiB (the same chunk object each time). */
export function* repeatedBytes(total: number, value = 0): Generator<Buffer> {
  const chunk = Buffer.alloc(Math.min(total, 16 * 1024 * 1024), value);
  for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/** `count` copies of a string, joined in chunks of about 1 MB. */
export function* repeatedText(unit: string, count: number): Generator<string> {
  const perChunk = Math.max(1, Math.floor(1_000_000 / unit.length));
  const full = unit.repeat(perChunk);
  for (let left = count; left > 0; left -= perChunk) yield left >= perChunk ? full : unit.repeat(left);
}
