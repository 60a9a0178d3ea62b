import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { assertOutboundUrl, isPublicAddress, outboundRequest } from '.';

describe('SSRF guard', () => {
  it('classifies public unicast addresses as allowed and every internal range as blocked', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'fd00:ec2::254',
      'fe80::1',
      '224.0.0.1',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('refuses IP-literal, localhost and non-http URLs unless private networks are allowed', () => {
    for (const url of ['http://127.0.0.1/', 'http://[::1]:8080/', 'http://169.254.169.254/latest', 'http://localhost/', 'http://api.localhost/']) {
      expect(() => assertOutboundUrl(url, { allowPrivateNetworks: false }), url).toThrow(/Refusing to connect/);
      expect(() => assertOutboundUrl(url, { allowPrivateNetworks: true }), url).not.toThrow();
    }
    expect(() => assertOutboundUrl('file:///etc/passwd', { allowPrivateNetworks: true })).toThrow(/not allowed/);
    expect(() => assertOutboundUrl('http://user:pw@example.com/', { allowPrivateNetworks: true })).toThrow(/credentials/);
    expect(assertOutboundUrl('https://example.com/x', { allowPrivateNetworks: false }).host).toBe('example.com');
  });

  it('checks the addresses DNS returns, so a harmless-looking name pointing at loopback is refused at connect time', async () => {
    const server = createServer((_req, res) => res.end('internal'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // this machine's own host name resolves to 127.0.0.1 and passes the up-front URL check
      const name = hostname();
      expect(() => assertOutboundUrl(`http://${name}:${port}/`, { allowPrivateNetworks: false })).not.toThrow();
      await expect(outboundRequest({ url: `http://${name}:${port}/`, method: 'GET', timeoutMs: 2000, allowPrivateNetworks: false })).rejects.toMatchObject({
        code: 'BLOCKED_DESTINATION',
      });
      expect((await outboundRequest({ url: `http://${name}:${port}/`, method: 'GET', timeoutMs: 2000, allowPrivateNetworks: true })).text).toBe('internal');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('times out a slow endpoint and caps oversized answers', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      res.end('x'.repeat(2048));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(outboundRequest({ url: `${base}/slow`, timeoutMs: 100, allowPrivateNetworks: true })).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      await expect(
        outboundRequest({ url: `${base}/big`, method: 'GET', timeoutMs: 2000, allowPrivateNetworks: true, maxResponseBytes: 1024 }),
      ).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
      expect((await outboundRequest({ url: `${base}/big`, method: 'GET', timeoutMs: 2000, allowPrivateNetworks: true })).text).toHaveLength(2048);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
