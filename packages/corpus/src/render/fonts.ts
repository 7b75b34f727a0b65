import { GlobalFonts } from '@napi-rs/canvas';
import type { Lang } from '../content/types';
import { requireDebianPackage } from '../system';

/** Fonts from Debian packages, so that rendering does not depend on what a machine happens to have. */
export const FONT_FILES = {
  gothic: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  mincho: '/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf',
  sans: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  serif: '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf',
} as const;

const FONT_PACKAGES: Record<keyof typeof FONT_FILES, string> = {
  gothic: 'fonts-ipafont-gothic',
  mincho: 'fonts-ipafont-mincho',
  sans: 'fonts-dejavu-core',
  serif: 'fonts-dejavu-core',
};

export type FontFace = keyof typeof FONT_FILES;

/** Canvas family names under which the files are registered (unique, so no system font can stand in). */
const FAMILY: Record<FontFace, string> = { gothic: 'CorpusGothic', mincho: 'CorpusMincho', sans: 'CorpusSans', serif: 'CorpusSerif' };

let registered = false;

export function ensureFonts(): void {
  if (registered) return;
  for (const [face, file] of Object.entries(FONT_FILES) as Array<[FontFace, string]>) {
    requireDebianPackage(FONT_PACKAGES[face], { file });
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
