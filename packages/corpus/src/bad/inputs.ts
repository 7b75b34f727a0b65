import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateSync } from 'node:zlib';
import type { Rng } from '../random';
import { requireDebianPackage } from '../system';

/** The first `fraction` of a file, as an interrupted copy or download leaves it. */
export function truncated(data: Uint8Array, fraction: number): Buffer {
  return Buffer.from(data.subarray(0, Math.floor(data.length * fraction)));
}

/** First bytes of formats a sniffer recognises; garbage must start with none of them. */
const MAGIC_FIRST_BYTES = new Set([0x00, 0x1f, 0x25, 0x3c, 0x42, 0x47, 0x49, 0x4d, 0x50, 0x52, 0x60, 0x7b, 0x89, 0xd0, 0xef, 0xfe, 0xff]);

export function garbage(rng: Rng, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = rng.int(0, 255);
  while (MAGIC_FIRST_BYTES.has(out[0]!)) out[0] = rng.int(0, 255);
  return out;
}

/**
 * Encrypts a PDF with a user password (AES-128; its key derives from the passwords and the ID, unlike AES-256's random key), so that it cannot be opened without one.
 * qpdf's --static-id/--static-aes-iv keep the output the same on every build.
 */
export function encryptPdf(pdf: Uint8Array, userPassword: string, ownerPassword = `${userPassword}-owner`): Buffer {
  requireDebianPackage('qpdf', { command: 'qpdf' });
  const dir = mkdtempSync(join(tmpdir(), 'cis-corpus-qpdf-'));
  try {
    const src = join(dir, 'in.pdf');
    const dst = join(dir, 'out.pdf');
    writeFileSync(src, pdf);
    execFileSync('qpdf', ['--static-id', '--static-aes-iv', '--encrypt', userPassword, ownerPassword, '128', '--use-aes=y', '--', src, dst], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return readFileSync(dst);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid 1-bit PNG of `width`×`height` white pixels: a few hundred KB on disk that decode to
 * billions of pixels (a decompression bomb). Readers must refuse it by its header.
 */
export function hugePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(width / 8);
  // All rows are identical (filter byte 0, then 0xff = white): deflate them in one go.
  const raw = Buffer.alloc(rowBytes * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * rowBytes] = 0;
  const idat = deflateSync(raw, { level: constants.Z_BEST_COMPRESSION });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Reads the width and height a PNG header claims. */
export function pngHeaderSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (b.readUInt32BE(12) !== 0x49484452) throw new Error('no IHDR chunk');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
