import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../../test/support/process';
import { ChatwootError } from './errors';
import { ChatwootTransport } from './transport';

/** How a lost connection is reported decides whether a write is repeated at once or first checked for. */
describe('Chatwoot transport failures', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  const listen = async (onData: (socket: import('node:net').Socket) => void) => {
    server = createServer((socket) => socket.once('data', () => onData(socket)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const post = (baseUrl: string) =>
    new ChatwootTransport({ baseUrl, token: 't', timeoutMs: 2_000, retry: { attempts: 1 } })
      .call({ method: 'POST', path: '/x', body: { a: 1 }, schema: z.object({ id: z.number() }), what: 'POST x', retry: 'never' })
      .then(
        () => null,
        (error: unknown) => error as ChatwootError,
      );

  it('answers and parses the body', async () => {
    const base = await listen((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\n\r\n{"id":7}'));
    const transport = new ChatwootTransport({ baseUrl: base, token: 't' });
    const call = () => transport.call({ method: 'GET', path: '/y', schema: z.object({ id: z.number() }), what: 'GET y', retry: 'safe' });
    expect(await call()).toEqual({ id: 7 });
    expect(await call()).toEqual({ id: 7 });
  });

  it('a refused connection is certainly not applied; one lost after the request went out may have been', async () => {
    // a port that was just free: nothing listens on it (fetch refuses well-known ports like 9 before connecting)
    const refused = await post(`http://127.0.0.1:${await freePort()}`);
    expect(refused).toBeInstanceOf(ChatwootError);
    expect(refused!.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(refused!.certainlyNotApplied).toBe(true);

    const base = await listen((socket) => socket.destroy()); // read the request, then drop the connection unanswered
    const lost = await post(base);
    expect(lost!.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(lost!.retryable).toBe(true);
    expect(lost!.certainlyNotApplied).toBe(false);
  });

  it('a call with no answer in time is a timeout', async () => {
    const base = await listen(() => undefined); // never answers
    const error = await new ChatwootTransport({ baseUrl: base, token: 't', timeoutMs: 200, retry: { attempts: 1 } })
      .call({ method: 'GET', path: '/z', schema: z.unknown(), what: 'GET z', retry: 'never' })
      .then(
        () => null,
        (e: unknown) => e as ChatwootError,
      );
    expect(error!.code).toBe('UPSTREAM_TIMEOUT');
  });
});
