import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../../platform/config';
import { AppError } from '../../platform/errors';
import type { RequestContext } from '../../platform/http/context';

/**
 * Request budgets per caller (API key or user) and per tenant, with rate-limiter-flexible (atomic Redis scripts,
 * shared by every API replica; an in-memory limiter takes over while Redis is unreachable, so an outage degrades
 * to per-replica limits instead of failing requests). Without REDIS_URL the limits are per process.
 * The platform admin key is exempt: it is the operator's break-glass credential.
 */
export interface RateLimits {
  /** Spends one request of the caller's and the tenant's budgets; throws RATE_LIMITED with Retry-After. */
  consume(ctx: RequestContext): Promise<void>;
  close(): Promise<void>;
}

const WINDOW_SECONDS = 60;

export function createRateLimits(config: Config, options: { keyPrefix?: string } = {}): RateLimits {
  const prefix = options.keyPrefix ?? 'atrium:rl';
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', () => {
    /* reported through the insurance limiter taking over; ioredis reconnects by itself */
  });
  const limiter = (points: number, name: string): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix: `${prefix}:${name}` });
    return redis
      ? new RateLimiterRedis({
          storeClient: redis,
          points,
          duration: WINDOW_SECONDS,
          keyPrefix: `${prefix}:${name}`,
          insuranceLimiter: memory,
          rejectIfRedisNotReady: true,
        })
      : memory;
  };
  const perCaller = limiter(config.RATE_LIMIT_PER_MINUTE, 'caller');
  const perTenant = limiter(config.RATE_LIMIT_TENANT_PER_MINUTE, 'tenant');

  async function spend(rl: RateLimiterAbstract, key: string, what: string): Promise<void> {
    try {
      await rl.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfter = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `Too many requests for this ${what}; retry in ${retryAfter} s`, {
        headers: { 'Retry-After': String(retryAfter) },
        details: { scope: what, retry_after_seconds: retryAfter },
      });
    }
  }

  return {
    async consume(ctx) {
      const p = ctx.principal;
      if (!p || p.kind === 'platform') return;
      const caller = p.kind === 'api_key' ? `key:${p.apiKeyId ?? p.subject}` : `user:${p.issuer ?? ''}:${p.subject}`;
      await spend(perCaller, caller, p.kind === 'api_key' ? 'API key' : 'user');
      if (ctx.tenant) await spend(perTenant, ctx.tenant.id, 'tenant');
    },
    async close() {
      redis?.disconnect();
    },
  };
}
