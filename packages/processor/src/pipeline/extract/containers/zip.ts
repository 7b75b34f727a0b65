import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { UnreadableFileError, errorMessage } from '../../../core/errors';
import type { ExtractContext, ExtractInput, Extraction, Extractor } from '../../../core/types';
import { MIME } from '../../detect/mime';
import { MemberWriter } from './members';

/** General purpose flag bits (APPNOTE 4.4.4). */
const ENCRYPTED = 0x1;
const UTF8_NAMES = 0x800;

const shiftJis = new TextDecoder('shift_jis');

/**
 * A member's name: UTF-8 when the zip says so (bit 11), else CP932, which is what Windows in
 * Japan writes (Explorer's "send to compressed folder", most archivers) and what Japanese names
 * decode as; a name that is valid UTF-8 without the flag (macOS, Linux zip) is taken as UTF-8.
 */
export function memberName(raw: Buffer, flags: number): string {
  if (flags & UTF8_NAMES) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return shiftJis.decode(raw);
  }
}

/**
 * Zip archives: every file member is unpacked (within the container limits) and becomes its own
 * document. The archive's own text is the list of its members' paths, so a search for a name
 * finds the archive too. Encrypted members are refused with the reason; a broken archive fails.
 */
export const zipContainerExtractor: Extractor = {
  name: 'container-zip',
  mimeTypes: [MIME.zip],
  container: true,
  async extract(input: ExtractInput, ctx: ExtractContext): Promise<Extraction> {
    let zip: ZipFile;
    try {
      zip = await new Promise<ZipFile>((resolve, reject) =>
        yauzl.open(input.path, { lazyEntries: true, autoClose: false, decodeStrings: false, strictFileNames: false }, (err, z) => (err ? reject(err) : resolve(z))),
      );
    } catch (err) {
      throw new UnreadableFileError(`corrupt zip archive: ${errorMessage(err)}`, { cause: err });
    }
    const writer = await MemberWriter.create(ctx);
    try {
      for (;;) {
        ctx.signal?.throwIfAborted();
        const entry = await nextEntry(zip).catch((err: unknown) => {
          throw new UnreadableFileError(`corrupt zip archive: ${errorMessage(err)}`, { cause: err });
        });
        if (!entry) break;
        const name = memberName(entry.fileName as unknown as Buffer, entry.generalPurposeBitFlag);
        if (name.endsWith('/') || name.endsWith('\\')) continue;
        if (writer.full) {
          writer.skip();
          continue;
        }
        const mtimeMs = entry.getLastModDate().getTime();
        if (entry.generalPurposeBitFlag & ENCRYPTED) {
          writer.refuse(name, entry.uncompressedSize, 'encrypted zip member (password protected)', mtimeMs);
          continue;
        }
        try {
          await writer.add(name, () => openEntry(zip, entry), { declared: entry.uncompressedSize, compressed: entry.compressedSize }, mtimeMs);
        } catch (err) {
          ctx.signal?.throwIfAborted();
          // One bad member (unsupported method, a size that lies, a damaged stream) is that member's failure.
          writer.refuse(name, entry.uncompressedSize, `unreadable zip member: ${errorMessage(err)}`, mtimeMs);
        }
      }
      const done = writer.finish();
      const text = done.members.map((m) => m.path).join('\n');
      return { text, pages: 1, ocrPages: [], ...done };
    } catch (err) {
      await writer.discard();
      throw err;
    } finally {
      zip.close();
    }
  },
};

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream as Readable))));
}
