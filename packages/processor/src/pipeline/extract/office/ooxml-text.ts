import { SaxesParser } from 'saxes';
import { UnreadableFileError, errorMessage } from '../../../core/errors';

/** The elements that carry text in one OOXML markup language, by namespace and local name. */
export interface TextMarkup {
  /** Namespace URIs of the language (transitional and strict OOXML differ). */
  namespaces: ReadonlySet<string>;
  /** Elements whose character data is document text. */
  text: ReadonlySet<string>;
  /** Elements that end a paragraph (a line of output). */
  paragraph: ReadonlySet<string>;
  lineBreak: ReadonlySet<string>;
  tab: ReadonlySet<string>;
  /** Elements whose whole subtree is not content (generated fields such as slide numbers). */
  skip: ReadonlySet<string>;
}

/** DrawingML text: slides, notes, shapes and charts in every OOXML format. */
export const DRAWINGML: TextMarkup = {
  namespaces: new Set([
    'http://schemas.openxmlformats.org/drawingml/2006/main',
    'http://purl.oclc.org/ooxml/drawingml/main',
  ]),
  text: new Set(['t']),
  paragraph: new Set(['p']),
  lineBreak: new Set(['br']),
  tab: new Set(['tab']),
  skip: new Set(['fld']),
};

/** WordprocessingML: Word bodies, headers, footers, footnotes. Deleted text (w:delText) is not w:t. */
export const WORDPROCESSINGML: TextMarkup = {
  namespaces: new Set([
    'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
    'http://purl.oclc.org/ooxml/wordprocessingml/main',
  ]),
  text: new Set(['t']),
  paragraph: new Set(['p']),
  lineBreak: new Set(['br', 'cr']),
  tab: new Set(['tab']),
  skip: new Set(),
};

const MARKUP_COMPATIBILITY = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

/**
 * The text of one OOXML part, a line per paragraph. Office writes text boxes twice (the
 * modern form in mc:Choice and a VML copy in mc:Fallback): the fallback is skipped so text
 * is not doubled. saxes resolves no external entities, so a part cannot make us read files.
 */
export function partText(xml: string, markup: TextMarkup): string {
  const reader = partTextReader(markup);
  reader.write(xml);
  return reader.close();
}

/**
 * partText for a part read as a stream (ZipArchive.streamText): memory grows with the text
 * found, not with the markup, whatever the part's size or element count.
 */
export async function streamedPartText(chunks: AsyncIterable<string>, markup: TextMarkup): Promise<string> {
  const reader = partTextReader(markup);
  for await (const chunk of chunks) reader.write(chunk);
  return reader.close();
}

function partTextReader(markup: TextMarkup): { write(chunk: string): void; close(): string } {
  const parser = new SaxesParser({ xmlns: true });
  const out: string[] = [];
  let skipDepth = 0;
  let textDepth = 0;

  const inLanguage = (uri: string | undefined): boolean => uri !== undefined && markup.namespaces.has(uri);

  parser.on('opentag', (tag) => {
    if (skipDepth > 0) {
      skipDepth++;
      return;
    }
    if (tag.uri === MARKUP_COMPATIBILITY && tag.local === 'Fallback') {
      skipDepth = 1;
      return;
    }
    if (!inLanguage(tag.uri)) return;
    if (markup.skip.has(tag.local)) skipDepth = 1;
    else if (markup.text.has(tag.local)) textDepth++;
    else if (markup.lineBreak.has(tag.local)) out.push('\n');
    else if (markup.tab.has(tag.local)) out.push('\t');
  });
  parser.on('closetag', (tag) => {
    if (skipDepth > 0) {
      skipDepth--;
      return;
    }
    if (!inLanguage(tag.uri)) return;
    if (markup.text.has(tag.local)) textDepth--;
    else if (markup.paragraph.has(tag.local)) out.push('\n');
  });
  parser.on('text', (text) => {
    if (skipDepth === 0 && textDepth > 0) out.push(text);
  });

  const malformed = (err: unknown) => new UnreadableFileError(`malformed XML in Office part: ${errorMessage(err)}`, { cause: err });
  return {
    write(chunk) {
      try {
        parser.write(chunk);
      } catch (err) {
        throw malformed(err);
      }
    },
    close() {
      try {
        parser.close();
      } catch (err) {
        throw malformed(err);
      }
      return out.join('');
    },
  };
}
