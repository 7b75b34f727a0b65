/**
 * Hand-written baseline TIFFs (little-endian, 8-bit grey, uncompressed, one strip per page):
 * thousands of pages in a small file, and directory chains that loop.
 */

const SHORT = 3;
const LONG = 4;

interface Tag {
  tag: number;
  type: number;
  value: number;
}

function ifd(tags: Tag[], next: number): Buffer {
  const out = Buffer.alloc(2 + tags.length * 12 + 4);
  out.writeUInt16LE(tags.length, 0);
  tags.forEach((t, i) => {
    const at = 2 + i * 12;
    out.writeUInt16LE(t.tag, at);
    out.writeUInt16LE(t.type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (t.type === SHORT) out.writeUInt16LE(t.value, at + 8);
    else out.writeUInt32LE(t.value, at + 8);
  });
  out.writeUInt32LE(next, 2 + tags.length * 12);
  return out;
}

const IFD_TAGS = 9;
const IFD_BYTES = 2 + IFD_TAGS * 12 + 4;

/**
 * `pages` grey pages of width × height (`pixel(page)` fills each). The case: 10 000 pages
 * of 8×8, 1.8 MB, which a reader opening each page by itself walks 10 000 × 10 000 / 2 directories for.
 * `loopTo`: the last directory points back to this page's, a chain without end.
 */
export function multiPageTiff(pages: number, width: number, height: number, opts: { pixel?: (page: number) => number; loopTo?: number } = {}): Buffer {
  const pageBytes = width * height;
  const chunks: Buffer[] = [Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0])];
  let offset = 8;
  const ifdOffset = (page: number) => 8 + page * (IFD_BYTES + pageBytes);
  for (let p = 0; p < pages; p++) {
    const dataAt = offset + IFD_BYTES;
    const last = p === pages - 1;
    const next = last ? (opts.loopTo !== undefined ? ifdOffset(opts.loopTo) : 0) : dataAt + pageBytes;
    chunks.push(
      ifd(
        [
          { tag: 256, type: LONG, value: width },
          { tag: 257, type: LONG, value: height },
          { tag: 258, type: SHORT, value: 8 },
          { tag: 259, type: SHORT, value: 1 },
          { tag: 262, type: SHORT, value: 1 },
          { tag: 273, type: LONG, value: dataAt },
          { tag: 277, type: SHORT, value: 1 },
          { tag: 278, type: LONG, value: height },
          { tag: 279, type: LONG, value: pageBytes },
        ],
        next,
      ),
      Buffer.alloc(pageBytes, opts.pixel?.(p) ?? 128),
    );
    offset = dataAt + pageBytes;
  }
  return Buffer.concat(chunks);
}
