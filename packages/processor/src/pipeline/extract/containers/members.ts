import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WORKER_ENV } from '../../../contract';
import { CONTAINER_DEFAULTS } from '../../../core/container-limits';
import { formatBytes } from '../../../core/format';
import type { ContainerLimits, ContainerMember, ExtractContext } from '../../../core/types';

const MiB = 1024 * 1024;

/** Below this size a member's compression ratio says nothing: a few KB of blank form compress 500×. */
const RATIO_FROM_BYTES = MiB;

/** Raised when a member's bytes break a container limit while they are written. */
class OverLimit extends Error {}

/**
 * Unpacks a container's members into a private temporary folder, within the container limits
 * (CIS_CONTAINER_*): member count, all members' bytes together, and each member's compression
 * ratio. A member over a limit is kept as `refused` with the reason, so it is stored as a
 * failed document and the rest of the container still counts. Names are made safe (no `..`, no
 * absolute paths) and unique.
 */
export class MemberWriter {
  readonly members: ContainerMember[] = [];
  readonly notes: string[] = [];
  private written = 0;
  private count = 0;
  private leftOut = 0;
  private files = 0;
  private readonly used = new Set<string>();
  readonly limits: ContainerLimits;

  private constructor(
    readonly dir: string,
    ctx: ExtractContext,
  ) {
    this.limits = ctx.limits.container ?? CONTAINER_DEFAULTS;
  }

  static async create(ctx: ExtractContext): Promise<MemberWriter> {
    return new MemberWriter(await mkdtemp(join(tmpdir(), 'cis-members-')), ctx);
  }

  /** False once the member count is reached: the caller stops listing. */
  get full(): boolean {
    return this.count >= this.limits.maxMembers;
  }

  /** Counts a member the count limit left out. */
  skip(): void {
    this.leftOut++;
  }

  /** A member that is not unpacked, with the reason. */
  refuse(path: string, size: number, reason: string, mtimeMs?: number): void {
    this.count++;
    this.members.push({ path: this.unique(path), size, refused: reason, ...(mtimeMs !== undefined ? { mtimeMs } : {}) });
  }

  /**
   * Writes one member from its stream. `compressedSize`, when known (zip), bounds the ratio up
   * front and again while inflating, as a member may lie about its size.
   */
  async add(path: string, open: () => Promise<Readable>, sizes: { declared: number; compressed?: number }, mtimeMs?: number): Promise<void> {
    const safe = this.unique(path);
    const refuse = (reason: string) => {
      this.count++;
      this.members.push({ path: safe, size: sizes.declared, refused: reason, ...(mtimeMs !== undefined ? { mtimeMs } : {}) });
    };
    const ratioReason = (bytes: number) =>
      `compression ratio ${Math.round(bytes / Math.max(1, sizes.compressed ?? 1))}:1 (${formatBytes(bytes)} from ${formatBytes(sizes.compressed ?? 0)}), over ${WORKER_ENV.containerMaxRatio} (${this.limits.maxRatio}): refused as a zip bomb`;
    const overRatio = (bytes: number) => sizes.compressed !== undefined && bytes > RATIO_FROM_BYTES && bytes / Math.max(1, sizes.compressed) > this.limits.maxRatio;
    const totalReason = `the container's members unpack to more than ${formatBytes(this.limits.maxBytes)} together, over ${WORKER_ENV.containerMaxMb}`;
    if (overRatio(sizes.declared)) return refuse(ratioReason(sizes.declared));
    if (this.written + sizes.declared > this.limits.maxBytes) return refuse(totalReason);

    const file = join(this.dir, String(++this.files), safe.split('/').pop() || 'member');
    await mkdir(dirname(file), { recursive: true });
    let bytes = 0;
    const guard = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        bytes += chunk.length;
        if (overRatio(bytes)) return done(new OverLimit(ratioReason(bytes)));
        if (this.written + bytes > this.limits.maxBytes) return done(new OverLimit(totalReason));
        done(null, chunk);
      },
    });
    try {
      await pipeline(await open(), guard, createWriteStream(file));
    } catch (err) {
      await rm(file, { force: true });
      if (err instanceof OverLimit) return refuse(err.message);
      throw err;
    }
    this.written += bytes;
    this.count++;
    this.members.push({ path: safe, file, size: bytes, ...(mtimeMs !== undefined ? { mtimeMs } : {}) });
  }

  /** The members and notes for the extraction; the pipeline removes `dir` after the members are done. */
  finish(): { members: ContainerMember[]; membersDir: string; notes?: string[] } {
    if (this.leftOut > 0) {
      this.notes.push(`${this.leftOut} members not taken: over ${WORKER_ENV.containerMaxMembers} (${this.limits.maxMembers})`);
    }
    const refused = this.members.filter((m) => m.refused).length;
    if (refused > 0) this.notes.push(`${refused} of ${this.members.length} members refused (each stored with its reason)`);
    return { members: this.members, membersDir: this.dir, ...(this.notes.length > 0 ? { notes: this.notes } : {}) };
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** '/'-separated, without empty, `.` or `..` segments or control characters; unique within the container. */
  private unique(path: string): string {
    const clean =
      path
        .replace(/\\/g, '/')
        .split('/')
        .map((s) => s.replace(/[\u0000-\u001f]/g, '').trim())
        .filter((s) => s && s !== '.' && s !== '..')
        .join('/') || 'unnamed';
    let name = clean;
    for (let n = 2; this.used.has(name); n++) {
      const dot = clean.lastIndexOf('.');
      name = dot > clean.lastIndexOf('/') + 1 ? `${clean.slice(0, dot)} (${n})${clean.slice(dot)}` : `${clean} (${n})`;
    }
    this.used.add(name);
    return name;
  }
}
