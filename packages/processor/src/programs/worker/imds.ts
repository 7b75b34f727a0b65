/**
 * The EC2 instance metadata service, version 2 (session tokens). The endpoint can point at a
 * fake server on 127.0.0.1 in tests.
 */
export class Imds {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs = 1000,
    private readonly tokenTtlSeconds = 21_600,
  ) {}

  /** GET a metadata path; 404 (no such item, e.g. no interruption scheduled) is an answer, not an error. */
  async get(path: string): Promise<{ status: number; body: string }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.sessionToken();
      const res = await fetch(`${this.endpoint}${path}`, {
        headers: { 'X-aws-ec2-metadata-token': token },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await res.text();
      // An expired or revoked token: fetch a new one once.
      if (res.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      return { status: res.status, body };
    }
  }

  private async sessionToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const res = await fetch(`${this.endpoint}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(this.tokenTtlSeconds) },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`IMDS token request answered ${res.status}`);
    const value = await res.text();
    this.token = { value, expiresAt: Date.now() + (this.tokenTtlSeconds - 60) * 1000 };
    return value;
  }
}
