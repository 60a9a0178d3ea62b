import http from 'node:http';
import https from 'node:https';
import { assertOutboundUrl, BlockedDestinationError, guardedLookup, InvalidUrlError } from './ssrf-guard';

/**
 * One outbound HTTP call to an operator-supplied URL, with the SSRF guard, a hard timeout covering
 * connect + response, no redirects (a redirect could point inside the network) and a response size cap.
 * node:http is used instead of fetch because only it lets the guard sit in the socket's DNS lookup.
 */
export type OutboundErrorCode = 'BLOCKED_DESTINATION' | 'INVALID_URL' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_BAD_RESPONSE';

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'OutboundError';
  }
}

export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  /** Responses larger than this are cut off and refused (default 1 MiB). */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  latencyMs: number;
}

export function outboundRequest(request: OutboundRequest): Promise<OutboundResponse> {
  let url: URL;
  try {
    url = assertOutboundUrl(request.url, { allowPrivateNetworks: request.allowPrivateNetworks });
  } catch (e) {
    return Promise.reject(mapError(e, request));
  }
  const started = performance.now();
  const limit = request.maxResponseBytes ?? 1024 * 1024;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: request.method ?? 'POST',
        headers: {
          'user-agent': 'Atrium/1 (+outbound)',
          ...request.headers,
          ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
        },
        lookup: request.allowPrivateNetworks ? undefined : (guardedLookup as never),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            reject(new OutboundError('UPSTREAM_BAD_RESPONSE', `${url.host} answered with more than ${limit} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            latencyMs: Math.round(performance.now() - started),
          }),
        );
        res.on('error', (e) => reject(mapError(e, request)));
      },
    );
    const timer = setTimeout(
      () => req.destroy(new OutboundError('UPSTREAM_TIMEOUT', `${url.host} did not answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => reject(mapError(e, request)));
    req.end(request.body);
  });
}

function mapError(e: unknown, request: OutboundRequest): OutboundError {
  if (e instanceof OutboundError) return e;
  if (e instanceof BlockedDestinationError) return new OutboundError('BLOCKED_DESTINATION', e.message, { cause: e });
  if (e instanceof InvalidUrlError) return new OutboundError('INVALID_URL', e.message, { cause: e });
  const code = (e as NodeJS.ErrnoException)?.code;
  const host = (() => {
    try {
      return new URL(request.url).host;
    } catch {
      return request.url;
    }
  })();
  return new OutboundError('UPSTREAM_UNAVAILABLE', `${host} is unreachable${code ? ` (${code})` : ''}`, { cause: e });
}
