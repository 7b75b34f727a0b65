import JSZip from 'jszip';
import { FIXED_DATE } from '../pdf/document';

const STAMP = FIXED_DATE.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Office files are zip packages whose entries carry the time they were written, and whose
 * docProps/core.xml records creation and modification times. Rewriting both with a fixed date
 * makes a rebuild byte-identical; entry order and content are kept.
 */
export async function normalizeOfficeZip(input: Uint8Array): Promise<Buffer> {
  const src = await JSZip.loadAsync(input);
  const out = new JSZip();
  for (const [name, entry] of Object.entries(src.files)) {
    if (entry.dir) continue;
    let data = await entry.async('nodebuffer');
    if (name === 'docProps/core.xml') {
      data = Buffer.from(
        data
          .toString('utf8')
          .replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*(<\/dcterms:)/g, `$1${STAMP}$2`),
        'utf8',
      );
    }
    out.file(name, data, { date: FIXED_DATE, createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'DOS' });
}
