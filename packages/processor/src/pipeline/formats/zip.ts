import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { OverBudgetError, UnreadableFileError, errorMessage } from '../../core/errors';
import { formatBytes } from '../../core/format';

/**
 * Bounds on what a zip container may make us inflate. Office files are zips of XML; a crafted
 * one (a "zip bomb") declares or hides gigabytes behind a few kilobytes.
 */
export interface ZipLimits {
  /** Most entries a container may list. */
  maxEntries: number;
  /** Largest single part we inflate. */
  maxEntryBytes: number;
  /** Most bytes inflated from one container, all parts together. */
  maxTotalBytes: number;
}

export const OFFICE_ZIP_LIMITS: ZipLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 128 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
};

/** Which parts a reader will inflate, checked by `verify` before the reader meets them. */
export interface PartsCheck {
  parts(name: string): boolean;
  /** Most XML elements all checked markup parts may hold together; more is an OverBudgetError. Default: no limit (counted only). */
  maxElements?: number;
}

export interface CheckedParts {
  /** Bytes the checked parts inflated to. */
  bytes: number;
  /** XML elements (start and empty-element tags) in the checked markup parts. */
  elements: number;
}

/** Parts holding XML markup, whose element count bounds what a DOM-building reader allocates. */
const isMarkup = (name: string): boolean => /\.(xml|rels|vml)$/i.test(name);

const LT = 0x3c;
/** After '<': an end tag, a declaration or processing instruction, a comment or CDATA, none an element. */
const NOT_AN_ELEMENT = new Set([0x2f, 0x3f, 0x21]);

/**
 * A zip opened for random access by its central directory (yauzl). Reading a part streams it
 * through yauzl, which checks the inflated size against the declared one, so a part that lies
 * about its size fails instead of filling memory.
 */
export class ZipArchive {
  private inflated = 0;

  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  /** Opens and lists the container; a broken central directory throws UnreadableFileError. */
  static async open(path: string, limits: ZipLimits = OFFICE_ZIP_LIMITS): Promise<ZipArchive> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z))),
    ).catch((err: unknown) => {
      throw new UnreadableFileError(`corrupt zip container: ${errorMessage(err)}`, { cause: err });
    });
    if (zip.entryCount > limits.maxEntries) {
      zip.close();
      throw new UnreadableFileError(`zip container lists ${zip.entryCount} entries (limit ${limits.maxEntries})`);
    }
    try {
      const entries = await listEntries(zip);
      return new ZipArchive(zip, entries, limits);
    } catch (err) {
      zip.close();
      throw new UnreadableFileError(`corrupt zip container: ${errorMessage(err)}`, { cause: err });
    }
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Inflates one part, within the per-part and per-container byte limits. */
  async read(name: string): Promise<Buffer> {
    const entry = this.entry(name);
    this.inflated += entry.uncompressedSize;
    try {
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
      );
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (err) {
      throw new UnreadableFileError(`corrupt zip part ${name}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** The part's entry, refused when its declared size breaks the per-part or per-container limit. */
  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new UnreadableFileError(`zip container has no part ${name}`);
    if (entry.uncompressedSize > this.limits.maxEntryBytes) {
      throw new UnreadableFileError(
        `zip part ${name} inflates to ${entry.uncompressedSize} bytes (limit ${this.limits.maxEntryBytes})`,
      );
    }
    if (this.inflated + entry.uncompressedSize > this.limits.maxTotalBytes) {
      throw new UnreadableFileError(`zip container inflates to more than ${this.limits.maxTotalBytes} bytes`);
    }
    return entry;
  }

  async readText(name: string): Promise<string> {
    return (await this.read(name)).toString('utf8');
  }

  /**
   * Checks the parts a library will unzip by itself (mammoth, exceljs) before it does, cheaply:
   * their declared sizes against the limits (free: from the central directory), then each part
   * inflated and discarded as a stream, which yauzl fails when it inflates beyond its declared
   * size, counting the XML elements of markup parts on the way (a byte scan for '<', about as
   * fast as inflating). A DOM reader allocates per element, so the count bounds its memory, and
   * the scan stops as soon as it passes `maxElements`.
   */
  async verify(check: PartsCheck): Promise<CheckedParts> {
    const parts = [...this.entries.values()].filter((e) => !e.fileName.endsWith('/') && check.parts(e.fileName));
    let declared = 0;
    for (const entry of parts) {
      if (entry.uncompressedSize > this.limits.maxEntryBytes) {
        throw new OverBudgetError(
          'zip',
          `zip part ${entry.fileName} declares ${formatBytes(entry.uncompressedSize)} inflated, over the budget of ${formatBytes(this.limits.maxEntryBytes)} per part`,
        );
      }
      declared += entry.uncompressedSize;
    }
    if (declared > this.limits.maxTotalBytes) {
      throw new OverBudgetError('zip', `zip parts declare ${formatBytes(declared)} inflated, over the budget of ${formatBytes(this.limits.maxTotalBytes)}`);
    }
    const max = check.maxElements ?? Number.POSITIVE_INFINITY;
    const counted: CheckedParts = { bytes: 0, elements: 0 };
    for (const entry of parts) {
      const markup = isMarkup(entry.fileName);
      await this.scan(entry, (chunk) => {
        counted.bytes += chunk.length;
        if (!markup) return true;
        for (let i = chunk.indexOf(LT); i !== -1; i = chunk.indexOf(LT, i + 1)) {
          if (!NOT_AN_ELEMENT.has(chunk[i + 1] as number)) counted.elements++;
        }
        return counted.elements <= max;
      });
      if (counted.elements > max) {
        throw new OverBudgetError('xml', `more than ${max.toLocaleString('en-US')} XML elements (counted up to ${entry.fileName}), over the budget for this format`);
      }
    }
    return counted;
  }

  /** Streams a part's inflated bytes to `take` until it returns false or the part ends. */
  private async scan(entry: Entry, take: (chunk: Buffer) => boolean): Promise<void> {
    try {
      const stream = await new Promise<NodeJS.ReadableStream & { destroy(): void }>((resolve, reject) =>
        this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s as NodeJS.ReadableStream & { destroy(): void }))),
      );
      for await (const chunk of stream) {
        if (!take(chunk as Buffer)) {
          stream.destroy();
          return;
        }
      }
    } catch (err) {
      throw new UnreadableFileError(`corrupt zip part ${entry.fileName}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Streams a part as text (UTF-8), chunk by chunk, within the per-part and per-container limits: for readers that never hold a whole part. */
  async *streamText(name: string): AsyncGenerator<string> {
    const entry = this.entry(name);
    this.inflated += entry.uncompressedSize;
    const decoder = new TextDecoder('utf-8');
    let stream: NodeJS.ReadableStream;
    try {
      stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
    } catch (err) {
      throw new UnreadableFileError(`corrupt zip part ${name}: ${errorMessage(err)}`, { cause: err });
    }
    const chunks = stream[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw new UnreadableFileError(`corrupt zip part ${name}: ${errorMessage(err)}`, { cause: err });
      }
      if (next.done) break;
      yield decoder.decode(next.value as Buffer, { stream: true });
    }
    yield decoder.decode();
  }

  close(): void {
    this.zip.close();
  }
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}
