import { type FileSpec, once } from './build';
import type { DocKind, Lang } from './content';
import { PHOTO_EDITS, SCENES } from './photo/scene';
import * as r from './recipes';

/**
 * The bundled samples: one file of each kind a newcomer should see indexed, small enough to
 * commit and to index in well under a minute (three OCR pages).
 */
export function sampleSpecs(): FileSpec[] {
  const s = (name: string) => `samples/${name}`;
  const photo = once(() => r.photoFile(s('photo'), 'landscape', 1280, 960));
  return [
    { path: '見積書_スキャン.pdf', make: () => r.scannedPdf(s('scan-ja'), 'ja', ['quotation'], 60) },
    { path: 'invoice_scan.png', make: () => r.scanImage(s('scan-en'), 'en', ['invoice'], 'png-bilevel') },
    { path: '請求書.pdf', make: () => r.bornDigitalPdf(s('digital-ja'), 'ja', 'invoice', 'cjk-not-embedded') },
    { path: '納品書_受領印.pdf', make: () => r.hybridPdf(s('hybrid-ja'), 'ja', 'delivery', 'minutes') },
    { path: 'photo_landscape.jpg', make: photo },
    { path: 'photo_landscape_resized.jpg', make: async () => r.photoEditFile(await photo(), 'photo_landscape.jpg', 'resized') },
    { path: '業務委託契約書.docx', make: () => r.officeFile(s('docx'), 'ja', 'contract', 'docx') },
    { path: '請求明細.xlsx', make: () => r.officeFile(s('xlsx'), 'ja', 'invoice', 'xlsx') },
    { path: 'quotation_summary.pptx', make: () => r.officeFile(s('pptx'), 'en', 'quotation', 'pptx') },
    { path: '議事録.txt', make: () => r.textFile(s('txt'), 'ja', 'minutes', 'shift_jis') },
    { path: '取引先一覧.csv', make: () => r.csvTable(s('csv'), 'ja', 'shift_jis') },
    { path: '稟議書.xdw', make: () => r.docuworks(s('xdw'), 2) },
    { path: 'broken.pdf', make: () => r.truncatedPdf(s('broken')) },
    { path: 'encrypted.pdf', make: () => r.encryptedPdf(s('encrypted')) },
  ];
}

export type BenchSize = 'quick' | 'full';

const JA_KINDS: DocKind[] = ['quotation', 'invoice', 'contract', 'delivery', 'minutes'];
const EN_KINDS: DocKind[] = ['invoice', 'quotation', 'letter'];

function kindAt(lang: Lang, i: number): DocKind {
  const kinds = lang === 'ja' ? JA_KINDS : EN_KINDS;
  return kinds[i % kinds.length]!;
}

/**
 * The bench corpus: a mixed folder as a company file share holds it. `full` is about 100 files
 * (about 45 OCR pages), `quick` about 25 (about 8 OCR pages).
 */
export function benchSpecs(size: BenchSize): FileSpec[] {
  const n = size === 'full' ? { scanPdf: [7, 5], digital: [8, 6], hybrid: [3, 3], img: [4, 3], tiff: [2, 1], photos: 8, office: 4, text: 3 } : { scanPdf: [2, 1], digital: [2, 2], hybrid: [1, 0], img: [1, 1], tiff: [1, 0], photos: 2, office: 1, text: 1 };
  const specs: FileSpec[] = [];
  const seed = (p: string) => `bench/${p}`;
  const langs: Lang[] = ['ja', 'en'];

  langs.forEach((lang, li) => {
    for (let i = 0; i < n.scanPdf[li]!; i++) {
      const kinds = i % 3 === 2 ? [kindAt(lang, i), kindAt(lang, i + 1)] : [kindAt(lang, i)];
      const path = `scans/${lang}/scan_${lang}_${String(i + 1).padStart(2, '0')}.pdf`;
      specs.push({ path, make: () => r.scannedPdf(seed(path), lang, kinds) });
    }
    for (let i = 0; i < n.digital[li]!; i++) {
      const font = lang === 'en' ? 'standard' : i % 2 === 0 ? 'cjk-not-embedded' : 'cjk-embedded-subset';
      const path = `documents/${lang}/${kindAt(lang, i)}_${String(i + 1).padStart(2, '0')}.pdf`;
      specs.push({ path, make: () => r.bornDigitalPdf(seed(path), lang, kindAt(lang, i), font) });
    }
    for (let i = 0; i < n.hybrid[li]!; i++) {
      const path = `documents/${lang}/hybrid_${String(i + 1).padStart(2, '0')}.pdf`;
      specs.push({ path, make: () => r.hybridPdf(seed(path), lang, kindAt(lang, i), kindAt(lang, i + 2)) });
    }
    for (let i = 0; i < n.img[li]!; i++) {
      const format = (['jpeg', 'png', 'png-bilevel'] as const)[i % 3]!;
      const ext = format === 'jpeg' ? 'jpg' : 'png';
      const path = `scans/${lang}/image_${lang}_${String(i + 1).padStart(2, '0')}.${ext}`;
      specs.push({ path, make: () => r.scanImage(seed(path), lang, [kindAt(lang, i + 1)], format) });
    }
    for (let i = 0; i < n.tiff[li]!; i++) {
      const path = `scans/${lang}/batch_${lang}_${String(i + 1).padStart(2, '0')}.tif`;
      // A batch from the document feeder: two documents, one multi-page TIFF.
      specs.push({ path, make: () => r.scanImage(seed(path), lang, [kindAt(lang, i + 2), kindAt(lang, i + 3)], 'tiff') });
    }
    for (let i = 0; i < n.office; i++) {
      for (const format of ['docx', 'xlsx', 'pptx'] as const) {
        if (size === 'full' && format === 'pptx' && i >= 3) continue;
        const path = `office/${lang}/${kindAt(lang, i)}_${i + 1}.${format}`;
        specs.push({ path, make: () => r.officeFile(seed(path), lang, kindAt(lang, i), format) });
      }
    }
  });

  for (let i = 0; i < n.photos; i++) {
    const scene = SCENES[i % SCENES.length]!;
    const path = `photos/IMG_${String(2001 + i)}.jpg`;
    const original = once(() => r.photoFile(seed(path), scene, 1600, 1200));
    specs.push({ path, make: original });
    const edit = PHOTO_EDITS[i % PHOTO_EDITS.length]!;
    specs.push({ path: `photos/edited/IMG_${String(2001 + i)}_${edit}.jpg`, make: async () => r.photoEditFile(await original(), path, edit) });
  }

  for (let i = 0; i < n.text; i++) {
    specs.push({ path: `text/議事録_${i + 1}.txt`, make: () => r.textFile(seed(`txt-sjis-${i}`), 'ja', 'minutes', 'shift_jis') });
    specs.push({ path: `text/memo_${i + 1}.txt`, make: () => r.textFile(seed(`txt-en-${i}`), 'en', 'letter', 'utf-8') });
    specs.push({ path: `text/取引先一覧_${i + 1}.csv`, make: () => r.csvTable(seed(`csv-ja-${i}`), 'ja', i % 2 === 0 ? 'shift_jis' : 'utf-8-bom') });
    if (size === 'full' && i < 2) {
      specs.push({ path: `text/orders_${i + 1}.csv`, make: () => r.csvTable(seed(`csv-en-${i}`), 'en', 'utf-8') });
      specs.push({ path: `text/手順書_${i + 1}.md`, make: () => r.markdown(seed(`md-${i}`), 'ja', kindAt('ja', i)) });
      specs.push({ path: `text/notice_${i + 1}.html`, make: () => r.html(seed(`html-${i}`), i === 0 ? 'ja' : 'en', kindAt(i === 0 ? 'ja' : 'en', i), i === 0 ? 'shift_jis' : 'utf-8') });
    }
  }

  specs.push({ path: 'docuworks/稟議書_001.xdw', make: () => r.docuworks(seed('xdw-1'), 3) });
  if (size === 'full') specs.push({ path: 'docuworks/報告書_002.xdw', make: () => r.docuworks(seed('xdw-2'), 1) });

  specs.push(
    { path: 'bad/empty.pdf', make: () => r.zeroByte() },
    { path: 'bad/truncated.pdf', make: () => r.truncatedPdf(seed('bad-truncated')) },
    { path: 'bad/garbage.pdf', make: () => r.garbagePdf(seed('bad-garbage')) },
    { path: 'bad/encrypted.pdf', make: () => r.encryptedPdf(seed('bad-encrypted')) },
    { path: 'bad/truncated.jpg', make: () => r.truncatedJpeg(seed('bad-jpeg')) },
    { path: 'bad/huge.png', make: () => r.hugeImage() },
    { path: 'bad/really_a_png.pdf', make: () => r.pngNamedPdf(seed('bad-lying')) },
  );
  return specs;
}
