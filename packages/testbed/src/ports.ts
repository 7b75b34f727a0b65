import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * `count` distinct ports that were free on 127.0.0.1 a moment ago. Held open together so they
 * differ; another process may still take one before a server binds it, which then fails to
 * start with "Address already in use" in its log.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
