import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { UnreadableFileError, errorMessage } from '../../core/errors';

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

  async readText(name: string): Promise<string> {
    return (await this.read(name)).toString('utf8');
  }

  /**
   * Inflates (and discards) every part whose name passes `filter`, so that a library that
   * unzips the file itself (mammoth, exceljs) only meets parts whose declared sizes are honest
   * and within the limits.
   */
  async verify(filter: (name: string) => boolean): Promise<void> {
    for (const name of this.entries.keys()) {
      if (filter(name)) await this.read(name);
    }
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
