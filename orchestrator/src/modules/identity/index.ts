import type { AtriumModule } from '../module';
import { identityPolicies } from './identity.policy';
import { identityRoutes } from './identity.routes';
import { keycloakEventsSyncJob, keycloakFullSyncJob, scheduleKeycloakSync } from './jobs/keycloak-sync.job';

export { createAccessControl } from './access-control';
export { platformPrincipal } from './platform-principal';
export { createPolicyEngine, allow, ROLES, type PolicyRule, type PolicyEngine, type Role } from './policy';
export { createRateLimits, type RateLimits } from './rate-limits';
export { createTokenVerifier, principalFromClaims, type TokenVerifier } from './verify-access-token';
export { generateApiKey, parseApiKey } from './api-key-format';

export { embeddedIssuerUrl, mountEmbeddedIssuer, EMBEDDED_REALM_PATH } from './embedded-issuer/embedded-issuer';
export { DEMO_USERS, type DemoUser } from './embedded-issuer/demo-users';
export { fullSync, incrementalSync, syncUser, type SyncReport } from './sync/sync-keycloak';
export { keycloakClientFor, keycloakSyncTarget, keycloakFullSyncJob, keycloakEventsSyncJob } from './jobs/keycloak-sync.job';

export const identityModule: AtriumModule = {
  name: 'identity',
  routes: identityRoutes,
  jobs: [keycloakFullSyncJob, keycloakEventsSyncJob],
  policies: identityPolicies,
  schedules: scheduleKeycloakSync,
};
