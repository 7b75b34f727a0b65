import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Imds } from './imds';
import { SpotNoticeWatcher, type SpotNotice } from './spot-notice';

/** A fake IMDSv2 on 127.0.0.1: tokens required; notices appear when a test sets them. */
let server: Server;
let endpoint: string;
const state = { action: undefined as string | undefined, rebalance: undefined as string | undefined, tokens: 0, unauthorized: 0 };

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      state.tokens++;
      res.end(`token-${state.tokens}`);
      return;
    }
    if (!String(req.headers['x-aws-ec2-metadata-token'] ?? '').startsWith('token-')) {
      state.unauthorized++;
      res.writeHead(401).end();
      return;
    }
    const body = req.url === '/latest/meta-data/spot/instance-action' ? state.action : req.url === '/latest/meta-data/events/recommendations/rebalance' ? state.rebalance : undefined;
    if (body === undefined) res.writeHead(404).end('Not Found');
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => Object.assign(state, { action: undefined, rebalance: undefined, tokens: 0, unauthorized: 0 }));

function watch(url = endpoint) {
  const watcher = new SpotNoticeWatcher(new Imds(url, 500), 20);
  const notices: SpotNotice[] = [];
  const unavailable: string[] = [];
  watcher.on('notice', (n) => notices.push(n));
  watcher.on('unavailable', (w) => unavailable.push(w));
  return { watcher, notices, unavailable };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('SpotNoticeWatcher', () => {
  it('stays quiet while IMDS has no notice, then reports an interruption once', async () => {
    const { watcher, notices } = watch();
    watcher.start();
    await new Promise((r) => setTimeout(r, 80));
    expect(notices).toEqual([]);
    state.action = '{"action":"terminate","time":"2026-11-28T16:00:00Z"}';
    await until(() => notices.length > 0);
    await new Promise((r) => setTimeout(r, 60));
    watcher.stop();
    expect(notices).toEqual([{ kind: 'interruption', detail: state.action }]);
    // One session token for all polls (IMDSv2), never an unauthenticated read.
    expect(state.tokens).toBe(1);
    expect(state.unauthorized).toBe(0);
  });

  it('reports a rebalance recommendation', async () => {
    state.rebalance = '{"noticeTime":"2026-11-28T15:58:00Z"}';
    const { watcher, notices } = watch();
    watcher.start();
    await until(() => notices.length > 0);
    watcher.stop();
    expect(notices[0].kind).toBe('rebalance');
  });

  it('gives up quietly where there is no metadata service', async () => {
    const { watcher, notices, unavailable } = watch('http://127.0.0.1:1');
    watcher.start();
    await until(() => unavailable.length > 0);
    watcher.stop();
    expect(unavailable).toHaveLength(1);
    expect(notices).toEqual([]);
  });
});
