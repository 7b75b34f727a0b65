import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { collidingNames, controlFiles, hostileCases, type HostileScale } from '@cis/corpus';

/**
 * The hostile-input corpus (@cis/corpus, issue 16) written into a folder, and what the pipeline
 * promises for each case: how it ends and the words of its reason. Shared by the local-mode and
 * the worker integration tests.
 */
export interface HostileOutcome {
  status: 'indexed' | 'failed' | 'metadata_only';
  /** The stored reason; for an indexed file, the note of what was left out. Absent: no reason is needed. */
  reason?: RegExp;
  /** Words the stored text must hold (what was readable is kept). */
  text?: string;
}

const px = (side: number) => `${side}×${side}`;

/** Expected outcome of each case, by path; `side` is the pixel size of the huge PDF images at this scale. */
export function expectedOutcomes(scale: HostileScale): Record<string, HostileOutcome> {
  const side = scale === 'full' ? 25_000 : 12_000;
  return {
    'office/many-paragraphs.docx': { status: 'indexed', reason: /XML elements, over the 400,000 the Word reader holds within the memory budget: the body's text was read by the streaming reader$/ },
    'office/slide-listed-a-million-times.pptx': { status: 'indexed', reason: /^the slide list names 1,000,000 slides, 1 of them distinct: each is read once$/, text: 'the only slide' },
    'images/ten-thousand-pages.tif': { status: 'indexed', reason: /^pages 2001–10000 not extracted: over the limit of 2000 pages$/ },
    'pdf/huge-image.pdf': { status: 'indexed', reason: new RegExp(`^page 1: image /Im0 is ${px(side)}: not decoded, over the limit of 100 megapixels$`), text: 'caption of the huge image' },
    'pdf/huge-mask.pdf': { status: 'indexed', reason: new RegExp(`^page 1: the /SMask of image /Im0 is ${px(side)}: not decoded`), text: 'caption of the huge mask' },
    'pdf/lying-jpeg.pdf': { status: 'indexed', reason: /^page 1: image \/Im0 is a JPEG of 20000×20000 \(the PDF declares 100×100\): not decoded/ },
    'office/hidden-part.xlsx': { status: 'failed', reason: /^zip part customXml\/item9\.bin declares [\d.]+ [MG]iB inflated, over the budget of 128 MiB per part$/ },
    // Opens without a password, so pdf-lib cannot look inside first: the process's memory cap is
    // what stops the mask's decode (pdf.js then leaves the image out and keeps the text).
    'pdf/encrypted-huge-mask.pdf': { status: 'indexed', text: 'caption of the encrypted mask' },
    'office/lying-size.docx': { status: 'failed', reason: /^corrupt zip part word\/document\.xml: too many bytes in the stream/ },
    'office/billion-laughs.docx': { status: 'failed', reason: /^unreadable Word document: .*entity not found/ },
    'office/deep-nesting.docx': { status: 'failed', reason: /^unreadable Word document: Maximum call stack size exceeded$/ },
    // The archive is read; its member is the bomb, refused by its ratio before a byte is inflated.
    'archives/zeros.zip': { status: 'indexed', reason: /^1 of 1 members refused \(each stored with its reason\)$/, text: 'zeros.bin' },
    'pdf/truncated.pdf': { status: 'failed', reason: /^PDF is damaged/ },
    'pdf/encrypted.pdf': { status: 'failed', reason: /^PDF is password-protected$/ },
    'pdf/xref-loop.pdf': { status: 'indexed', text: 'xref loop caption' },
    'pdf/page-tree-loop.pdf': { status: 'failed', reason: /circular reference/ },
    'images/pixel-bomb.png': { status: 'failed', reason: /^image is 40000×40000 = 1600 megapixels, over the limit of 100 megapixels$/ },
    'images/lying-header.jpg': { status: 'failed', reason: /^image is 20000×20000 = 400 megapixels, over the limit of 100 megapixels$/ },
    'images/ifd-loop.tif': { status: 'indexed' },
  };
}

/** Members of the cases' containers, each its own document (path `archive.zip/member`). */
export const expectedMembers: Record<string, HostileOutcome> = {
  'archives/zeros.zip/zeros.bin': { status: 'failed', reason: /^compression ratio \d+:1 \(.*\), over CIS_CONTAINER_MAX_RATIO \(100\): refused as a zip bomb$/ },
};

export interface HostileFolder {
  /** Relative paths of the hostile cases. */
  cases: string[];
  controls: Array<{ path: string; words: string[] }>;
  /** The four names that collided before ids were exact, with the text of each. */
  names: Array<{ path: string; text: string }>;
}

/** Writes every case, the controls and the colliding names (under names/) into `root`. */
export async function writeHostileFolder(root: string, scale: HostileScale): Promise<HostileFolder> {
  const write = async (path: string, data: Buffer | string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  };
  const cases = hostileCases(scale);
  for (const c of cases) await write(c.path, await c.make());
  const controls: HostileFolder['controls'] = [];
  for (const c of controlFiles()) {
    const { data, words } = await c.make();
    await write(c.path, data);
    controls.push({ path: c.path, words });
  }
  const names = collidingNames().map((n) => ({ path: `names/${n.path}`, text: n.text }));
  for (const n of names) await write(n.path, n.text);
  return { cases: cases.map((c) => c.path), controls, names };
}
