import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedPost } from './guarded-post';
import { OutboundPolicy, OutboundRefused, parseOutboundAllow } from './outbound-policy';

/** A resolver from a table: names are stubbed, so the tests do not depend on the machine's DNS. */
const table =
  (entries: Record<string, string[]>) =>
  (host: string): Promise<{ address: string; family: number }[]> =>
    entries[host]
      ? Promise.resolve(entries[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))
      : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));

const NAMES = { 'public.test': ['93.184.216.34'], 'rebind.test': ['93.184.216.34', '127.0.0.1'] };
const policy = (allow = '') => new OutboundPolicy(parseOutboundAllow(allow), table(NAMES));

async function refusal(p: OutboundPolicy, url: string): Promise<string | undefined> {
  try {
    await p.checkUrl(new URL(url));
    return undefined;
  } catch (err) {
    if (err instanceof OutboundRefused) return err.reason;
    throw err;
  }
}

describe('OutboundPolicy', () => {
  it.each([
    ['http://127.0.0.1/x', 'a loopback address'],
    ['http://127.9.9.9/x', 'a loopback address'],
    ['http://10.0.0.1/x', 'a private address'],
    ['http://172.20.1.1/x', 'a private address'],
    ['http://192.168.1.1/x', 'a private address'],
    ['http://169.254.169.254/latest/meta-data', 'a cloud metadata address'],
    ['http://169.254.1.1/x', 'a link-local address'],
    ['http://100.64.0.1/x', 'a shared (CGNAT) address'],
    ['http://0.0.0.0/x', 'an unspecified address'],
    ['http://[::1]/x', 'a loopback address'],
    ['http://[::]/x', 'an unspecified address'],
    ['http://[fd00:ec2::254]/x', 'a cloud metadata address'],
    ['http://[fc00::1]/x', 'a private (unique local) address'],
    ['http://[fe80::1]/x', 'a link-local address'],
    ['http://[::ffff:127.0.0.1]/x', 'a loopback address'],
    ['http://[64:ff9b::7f00:1]/x', 'a NAT64 address'],
    ['http://rebind.test/x', 'a loopback address'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect(await refusal(policy(), url)).toBe(reason);
  });

  it.each([
    'https://93.184.216.34/x',
    'https://public.test/x',
    'https://[2606:4700::1111]/x',
    'https://unresolvable.test/',
  ])('lets %s through', async (url) => {
    expect(await refusal(policy(), url)).toBeUndefined();
  });

  it('lets the operator allow CIDRs, addresses and host names', async () => {
    const p = policy('127.0.0.0/8, ::1, 10.1.0.0/16, rebind.test');
    expect(await refusal(p, 'http://127.0.0.1:9/x')).toBeUndefined();
    expect(await refusal(p, 'http://[::1]/x')).toBeUndefined();
    expect(await refusal(p, 'http://10.1.2.3/x')).toBeUndefined();
    expect(await refusal(p, 'http://10.2.0.1/x')).toBe('a private address');
    expect(await refusal(p, 'http://rebind.test/x')).toBeUndefined();
    expect(await refusal(p, 'http://169.254.169.254/x')).toBe('a cloud metadata address');
  });

  it('refuses bad GANTRY_OUTBOUND_ALLOW entries', () => {
    expect(() => parseOutboundAllow('10.0.0.0/33')).toThrow(/CIDR/);
    expect(() => parseOutboundAllow('http://x')).toThrow(/'http:\/\/x'/);
    expect(() => parseOutboundAllow('bad_host!')).toThrow(/neither/);
    expect(parseOutboundAllow(' , ')).toEqual({ cidrs: [], hosts: [] });
  });
});

describe('guardedPost (the delivery guard)', () => {
  let server: http.Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(`${req.headers.host} ${body}`);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses at send time a name that now resolves to loopback, without connecting', async () => {
    const p = new OutboundPolicy(parseOutboundAllow(''), table({ 'hooks.test': ['127.0.0.1'] }));
    await expect(guardedPost(p, `http://hooks.test:${port}/h`, {}, 'one', 2000)).rejects.toBeInstanceOf(
      OutboundRefused,
    );
    await expect(guardedPost(p, `http://127.0.0.1:${port}/h`, {}, 'two', 2000)).rejects.toThrow(/loopback/);
    expect(received).toEqual([]);
  });

  it('connects to the address it checked when the operator allows it', async () => {
    const p = new OutboundPolicy(parseOutboundAllow('127.0.0.1'), table({ 'hooks.test': ['127.0.0.1'] }));
    expect(await guardedPost(p, `http://hooks.test:${port}/h`, {}, 'three', 2000)).toBe(204);
    expect(received).toEqual([`hooks.test:${port} three`]);
  });
});
