import type { AtriumModule } from '../module';
import { tenantPolicies } from './tenants.policy';
import { tenantRoutes } from './tenants.routes';

export { findTenant, listTenantsFor, activeTenantConfig, getTenantConfig } from './tenant-lookup';
export { cachedTenantConfig } from './tenant-config-cache';
export { tenantConfigSchema, defaultTenantConfig, type TenantConfig } from './tenant-config.schema';
export { createTenant } from './commands/create-tenant';
export { validateTenantConfig } from './commands/publish-config';

export const tenantsModule: AtriumModule = { name: 'tenants', routes: tenantRoutes, jobs: [], policies: tenantPolicies };
