import { defineRoute } from '../../platform/http/route';
import { cachedTenantConfig } from '../tenants';
import { scanText } from './commands/scan-text';
import { scanBody, scanResponse } from './safety.api';
import { presentScan } from './safety.presenter';
import { policyFromTenantConfig } from './safety-policy';

export const safetyRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/safety/scan',
    summary: "Scan text with the tenant's safety policy: prompt injection, PII, secrets, DLP rules and topics",
    tags: ['safety'],
    auth: 'tenant',
    permission: 'safety:scan',
    body: scanBody,
    response: scanResponse,
    handler: async ({ ctx, body }) => {
      const { config } = await cachedTenantConfig(ctx.services, ctx.tenant.id); // also makes policyFromTenantConfig's per-config cache hit
      return presentScan(scanText({ text: body.text, direction: body.direction, policy: policyFromTenantConfig(config) }));
    },
  }),
];
