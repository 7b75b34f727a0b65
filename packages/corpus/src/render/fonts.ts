import { GlobalFonts } from '@napi-rs/canvas';
import { existsSync } from 'node:fs';
import type { Lang } from '../content/types';
import { aptEnsure } from '../system';

/** Fonts from Debian packages, so that rendering does not depend on what a machine happens to have. */
export const FONT_FILES = {
  gothic: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  mincho: '/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf',
  sans: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  serif: '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf',
} as const;

export type FontFace = keyof typeof FONT_FILES;

/** Canvas family names under which the files are registered (unique, so no system font can stand in). */
const FAMILY: Record<FontFace, string> = { gothic: 'CorpusGothic', mincho: 'CorpusMincho', sans: 'CorpusSans', serif: 'CorpusSerif' };

let registered = false;

export function ensureFonts(): void {
  if (registered) return;
  if (!Object.values(FONT_FILES).every((f) => existsSync(f))) {
    aptEnsure('fonts-ipafont-gothic', 'fonts-ipafont-mincho', 'fonts-dejavu-core');
  }
  for (const [face, file] of Object.entries(FONT_FILES) as Array<[FontFace, string]>) {
    if (!existsSync(file)) throw new Error(`font ${file} is missing after installing its package`);
    GlobalFonts.registerFromPath(file, FAMILY[face]);
  }
  registered = true;
}

export function canvasFamily(face: FontFace): string {
  return FAMILY[face];
}

/** The face a document of this language and kind is printed in. */
export function faceFor(lang: Lang, serif: boolean): FontFace {
  if (lang === 'ja') return serif ? 'mincho' : 'gothic';
  return serif ? 'serif' : 'sans';
}
