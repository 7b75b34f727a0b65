import type { DocumentFields } from '../../../core/types';
import { log } from '../../../core/log';
import type { ZipArchive } from '../../formats/zip';
import { compact, isoDate, xmlValues } from './xml-values';

/**
 * Document properties of an Office Open XML package: docProps/core.xml (title, creator, last
 * modified by, dates, subject, keywords) and docProps/app.xml (company, application). Page,
 * slide and sheet counts are the document's `pages`. A property part that does not parse costs
 * the fields, never the document.
 */
export async function officeFields(zip: ZipArchive, path: string): Promise<DocumentFields> {
  const read = async (part: string) => {
    if (!zip.has(part)) return new Map<string, string[]>();
    try {
      return xmlValues(await zip.readText(part));
    } catch (err) {
      log.debug({ path, part, err }, 'Office property part unreadable');
      return new Map<string, string[]>();
    }
  };
  const core = await read('docProps/core.xml');
  const app = await read('docProps/app.xml');
  const c = (name: string) => core.get(name)?.[0];
  const a = (name: string) => app.get(name)?.[0];
  return compact({
    title: c('title'),
    author: c('creator'),
    subject: c('subject') ?? c('description'),
    keywords: c('keywords'),
    lastModifiedBy: c('lastModifiedBy'),
    created: isoDate(c('created')),
    modified: isoDate(c('modified')),
    company: a('Company'),
    creatorTool: a('Application'),
  });
}
