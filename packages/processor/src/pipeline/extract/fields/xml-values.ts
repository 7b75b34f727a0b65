import { SaxesParser } from 'saxes';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
/** Property XML (XMP, docProps) is small; a part larger than this is not metadata anyone wrote by hand. */
const MAX_XML_CHARS = 4_000_000;

/**
 * The text values of a small property document (docProps/core.xml, app.xml, an XMP packet) by
 * the local name of the property that holds them, in document order. RDF containers are looked
 * through (dc:title/rdf:Alt/rdf:li counts as `title`, each dc:creator/rdf:Seq/rdf:li as one
 * `creator`), and XMP's short form, properties written as attributes of rdf:Description, counts
 * as well. A real XML parser, not patterns: entities, CDATA and namespaces come out right, and
 * a malformed part throws (the caller decides what that costs).
 */
export function xmlValues(xml: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const v = value.trim();
    if (!v) return;
    const list = values.get(name);
    if (list) list.push(v);
    else values.set(name, [v]);
  };
  if (xml.length > MAX_XML_CHARS) return values;
  const parser = new SaxesParser({ xmlns: true });
  // The nearest property element (not an RDF structure element) and the text gathered for it.
  const stack: Array<{ property?: string; text: string }> = [];
  parser.on('opentag', (tag) => {
    const isRdf = tag.uri === RDF;
    if (isRdf && tag.local === 'Description') {
      for (const attr of Object.values(tag.attributes)) {
        if (attr.uri && attr.uri !== RDF && attr.prefix !== 'xmlns' && attr.uri !== 'http://www.w3.org/XML/1998/namespace') add(attr.local, attr.value);
      }
    }
    stack.push({ property: isRdf ? undefined : tag.local, text: '' });
  });
  const onText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const done = stack.pop();
    if (!done) return;
    // The text of an rdf:li belongs to the nearest property above it.
    const owner = done.property ?? [...stack].reverse().find((s) => s.property)?.property;
    if (owner && done.text.trim()) add(owner, done.text);
  });
  parser.write(xml).close();
  return values;
}

/** A date as ISO 8601, or undefined when it is not one (an empty or garbled property). */
export function isoDate(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  const ms = date.getTime();
  // Years outside 1900–2200 are placeholders (0000-01-01) or damage, not dates a search filters on.
  if (Number.isNaN(ms) || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 2200) return undefined;
  return date.toISOString();
}

/** Drops empty values, so a document says only what its file says. */
export function compact<T extends object>(fields: T): T {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)),
  ) as T;
}
