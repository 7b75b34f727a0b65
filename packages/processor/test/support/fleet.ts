import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChildWorker, storedDocs, type Scenario } from './worker-harness';

/**
 * A fleet of worker processes on one testbed queue, for the churn integration test and
 * `pnpm rehearse:fleet`: start, SIGTERM, SIGKILL, Spot notices through a fake IMDSv2, and the
 * books at the end (what each worker wrote, released, and finished after how many releases).
 */

/** A fake instance metadata service (IMDSv2) whose Spot interruption notice can be switched on per worker. */
export class FakeImds {
  private server: Server | undefined;
  private readonly noticed = new Set<string>();
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      // Each worker asks under its own path prefix (/w/<id>/latest/…), so a notice reaches one worker.
      const m = /^\/w\/([^/]+)(\/.*)$/.exec(req.url ?? '');
      const id = m?.[1] ?? '';
      const path = m?.[2] ?? req.url;
      if (req.method === 'PUT' && path === '/latest/api/token') return void res.end('token');
      if (req.headers['x-aws-ec2-metadata-token'] !== 'token') return void res.writeHead(401).end();
      if (path === '/latest/meta-data/instance-id') return void res.end(`i-${id}`);
      if (path === '/latest/meta-data/spot/instance-action' && this.noticed.has(id)) {
        return void res.end(JSON.stringify({ action: 'terminate', time: new Date(Date.now() + 120_000).toISOString() }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  endpointFor(id: string): string {
    return `${this.url}/w/${id}`;
  }

  notice(id: string): void {
    this.noticed.add(id);
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}

export interface FleetMember {
  id: string;
  child: ChildWorker;
  startedAt: number;
  stopSentAt?: number;
  how?: 'SIGTERM' | 'SIGKILL' | 'spot';
}

export class Fleet {
  readonly members: FleetMember[] = [];
  private seq = 0;

  constructor(
    private readonly s: Scenario,
    private readonly env: NodeJS.ProcessEnv,
    private readonly imds?: FakeImds,
  ) {}

  get running(): FleetMember[] {
    return this.members.filter((m) => m.stopSentAt === undefined);
  }

  start(extra: NodeJS.ProcessEnv = {}): FleetMember {
    const id = `w${++this.seq}`;
    const spot = this.imds ? { CIS_SPOT_POLL: 'true', CIS_IMDS_ENDPOINT: this.imds.endpointFor(id), CIS_SPOT_POLL_S: '0.2' } : {};
    const child = new ChildWorker({ ...this.s.env, ...this.env, ...spot, CIS_INSTANCE_ID: id, ...extra });
    const m: FleetMember = { id, child, startedAt: Date.now() };
    this.members.push(m);
    return m;
  }

  stop(m: FleetMember, how: 'SIGTERM' | 'SIGKILL' | 'spot'): void {
    if (m.stopSentAt !== undefined) return;
    m.stopSentAt = Date.now();
    m.how = how;
    if (how === 'spot') {
      if (!this.imds) throw new Error('no fake IMDS: start the fleet with one to send Spot notices');
      this.imds.notice(m.id);
    } else m.child.kill(how);
  }

  /** Waits for every stopped member to exit; SIGKILLs what is left at the end. */
  async stopAll(how: 'SIGTERM' | 'SIGKILL' | 'spot' = 'SIGTERM'): Promise<void> {
    for (const m of this.running) this.stop(m, how);
    await Promise.all(this.members.map((m) => m.child.exited));
  }

  /** Seconds from the stop signal (or notice) to exit, for drains (not SIGKILLs). */
  async drainSeconds(): Promise<number[]> {
    const out: number[] = [];
    for (const m of this.members) {
      if (m.stopSentAt === undefined || m.how === 'SIGKILL') continue;
      const { at } = await m.child.exited;
      out.push((at - m.stopSentAt) / 1000);
    }
    return out;
  }

  /** Sums over every member's logs. */
  books(): { written: number; released: number; releasedCounted: number; processedByReleases: Record<string, number>; badExits: string[] } {
    let written = 0;
    let released = 0;
    let releasedCounted = 0;
    const processedByReleases: Record<string, number> = {};
    const badExits: string[] = [];
    for (const m of this.members) {
      for (const b of m.child.logs('bulk batch')) written += Number(b.ok ?? 0);
      const stopped = m.child.logs('worker stopped')[0];
      if (stopped) {
        released += Number(stopped.released ?? 0);
        releasedCounted += Number(stopped.releasedCounted ?? 0);
        for (const [k, v] of Object.entries((stopped.processedByReleases ?? {}) as Record<string, number>)) processedByReleases[k] = (processedByReleases[k] ?? 0) + v;
      } else if (m.how !== 'SIGKILL' && m.child.logs('worker started').length > 0) {
        badExits.push(`${m.id}: started but no "worker stopped" line; ${m.child.stderr.slice(-5).join(' | ')}`);
      }
      const exit = m.child.exitedWith;
      if (exit && exit.code !== 0 && exit.signal === null) badExits.push(`${m.id}: exit ${exit.code}; ${m.child.stderr.slice(-3).join(' | ')}`);
    }
    return { written, released, releasedCounted, processedByReleases, badExits };
  }
}

/** Files indexed once / lost, from the index: the index is keyed by file id, so a path is there once or not at all. */
export async function indexedPaths(s: Scenario, expected: string[]): Promise<{ indexed: number; lost: string[] }> {
  const docs = await storedDocs(s);
  return { indexed: expected.filter((p) => docs.has(p)).length, lost: expected.filter((p) => !docs.has(p)) };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
