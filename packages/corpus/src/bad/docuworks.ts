import type { Rng } from '../random';

/**
 * A DocuWorks-like (.xdw) container. DocuWorks is a closed Fuji Xerox / FUJIFILM format; this
 * follows the structure that public reverse engineering (the xdw-salvage project) observed in
 * real files: tag–length–value elements with BER-style lengths; the file opens with a header
 * element (tag 0x60) holding the format generation (field 0x82, 10 for current files) and a
 * guard field (0x83) of bytes 01 0D 0A 01; a document element (0x61) holds page elements
 * (0x64), a properties block (0x63) and a trailer (0x68 in generation 10) whose last field
 * (0x86) is its own length as a little-endian u32, so a reader finds it from the file's end.
 * Page payloads here are random bytes: the point is to be recognised, not rendered.
 */

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function element(tag: number, value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(value.length)]), value]);
}

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export const XDW_GENERATION = 10;
export const XDW_GUARD = Buffer.from([0x01, 0x0d, 0x0a, 0x01]);

function page(rng: Rng, payload: number): Buffer {
  const coded = Buffer.alloc(payload);
  for (let i = 0; i < payload; i++) coded[i] = rng.int(0, 255);
  const fields = Buffer.concat([
    element(0x80, Buffer.from([4])),
    element(0x84, u16be(21000)), // paper width, 1/100 mm (A4)
    element(0x85, u16be(29700)),
    element(0x90, u16be(4961)), // pixels at 600 dpi
    element(0x91, u16be(7016)),
    element(0x86, coded),
  ]);
  const id = Buffer.from([rng.int(0, 255), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]);
  return element(0x64, Buffer.concat([element(0x81, id), element(0x82, fields)]));
}

export function docuworksLike(rng: Rng, pages: number): Buffer {
  const header = element(0x60, Buffer.concat([element(0x82, Buffer.from([XDW_GENERATION])), element(0x83, XDW_GUARD)]));
  const pageElems = Array.from({ length: pages }, () => page(rng, rng.int(600, 2400)));
  const props = element(0x63, Buffer.from(Array.from({ length: 24 }, () => rng.int(0, 255))));
  // The trailer lists absolute page offsets, which depend on the document element's own length
  // header: lay out with each possible header size until the guess holds.
  for (let docHeader = 2; docHeader <= 5; docHeader++) {
    const offsets: number[] = [];
    let at = header.length + docHeader;
    for (const p of pageElems) {
      offsets.push(at);
      at += p.length;
    }
    const fieldsWithoutSelf = Buffer.concat([
      element(0x80, Buffer.from([pages])),
      element(0x81, Buffer.concat(offsets.map(u32le))),
      element(0x85, Buffer.from([rng.int(0, 255), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)])),
    ]);
    const selfLen = fieldsWithoutSelf.length + 6;
    const trailer = element(0x68, Buffer.concat([fieldsWithoutSelf, element(0x86, u32le(selfLen))]));
    const body = Buffer.concat([...pageElems, props, trailer]);
    const doc = element(0x61, body);
    if (doc.length - body.length === docHeader) return Buffer.concat([header, doc]);
  }
  throw new Error('could not lay out the DocuWorks-like container');
}
