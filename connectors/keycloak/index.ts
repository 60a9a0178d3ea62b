export { createKeycloakAdminClient, type AdminEventQuery, type KeycloakAdminClient, type KeycloakAdminClientOptions, type Page } from './admin-client';
export { isKeycloakError, KeycloakError, type KeycloakErrorCode } from './errors';
export {
  adminEventSchema,
  groupSchema,
  roleSchema,
  userSchema,
  type KeycloakAdminEvent,
  type KeycloakGroup,
  type KeycloakRole,
  type KeycloakUser,
} from './schemas';
export { serviceAccountTokens, type ServiceAccountOptions, type TokenSource } from './token';
