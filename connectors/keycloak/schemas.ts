import { z } from 'zod';

/**
 * The slices of Keycloak's Admin REST representations Atrium reads (contracts/keycloak.md §6). Objects are loose:
 * Keycloak adds fields between minors, and only the listed ones are relied on.
 */
export const userSchema = z.looseObject({
  id: z.string(),
  username: z.string(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  enabled: z.boolean(),
  emailVerified: z.boolean().optional(),
  createdTimestamp: z.number().optional(),
  /** service-account users carry this and are not people */
  serviceAccountClientId: z.string().optional(),
});
export type KeycloakUser = z.infer<typeof userSchema>;

export const groupSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  parentId: z.string().optional(),
  subGroupCount: z.number().optional(),
  attributes: z.record(z.string(), z.array(z.string())).optional(),
});
export type KeycloakGroup = z.infer<typeof groupSchema>;

export const roleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  composite: z.boolean().optional(),
  clientRole: z.boolean().optional(),
});
export type KeycloakRole = z.infer<typeof roleSchema>;

export const operationTypeSchema = z.enum(['CREATE', 'UPDATE', 'DELETE', 'ACTION']);

export const adminEventSchema = z.looseObject({
  id: z.string().optional(),
  /** epoch milliseconds */
  time: z.number(),
  realmId: z.string().optional(),
  operationType: operationTypeSchema,
  /** e.g. USER, GROUP_MEMBERSHIP, REALM_ROLE_MAPPING, GROUP, CLIENT ... */
  resourceType: z.string().optional(),
  /** e.g. `users/<id>`, `users/<id>/groups/<groupId>`, `users/<id>/role-mappings/realm`, `groups/<id>` */
  resourcePath: z.string().optional(),
  representation: z.string().optional(),
});
export type KeycloakAdminEvent = z.infer<typeof adminEventSchema>;

export const tokenSchema = z.object({ access_token: z.string(), expires_in: z.number().optional() });
