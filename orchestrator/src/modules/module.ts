import type { RouteDefinition } from '../platform/http/route';
import type { JobDefinition } from '../platform/queue';
import type { Services } from '../platform/services';
import type { PolicyRule } from './identity/policy';

/** What a capability contributes to the process; registry.ts lists them all. */
export interface AtriumModule {
  name: string;
  routes: readonly RouteDefinition<any, any, any, any, any>[];
  jobs: readonly JobDefinition<any>[];
  policies: readonly PolicyRule[];
  /** Recurring jobs registered when the worker starts. */
  schedules?: (services: Services) => Promise<void>;
  /** Called once at boot (after migrations), e.g. to wire job handlers that need services. */
  init?: (services: Services) => void | Promise<void>;
}
