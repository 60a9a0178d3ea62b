import 'server-only';
import { z } from 'zod';

/** The shell's only reader of process.env: parsed once, on first use, with a readable list of problems. */
const schema = z.object({
  ATRIUM_API_URL: z.string().url().default('http://127.0.0.1:8080').describe('Orchestrator base URL the shell server calls.'),
  ATRIUM_PUBLIC_API_URL: z.string().url().optional().describe('Orchestrator URL as browsers reach it (website widget snippet). Defaults to ATRIUM_API_URL.'),
  SHELL_PUBLIC_URL: z.string().url().default('http://localhost:3000').describe('URL of this console as browsers reach it (OIDC redirect URI base).'),
  OIDC_ISSUER_URL: z.string().url().describe('OpenID Connect issuer: the Keycloak realm URL (http://127.0.0.1:8180/realms/atrium) or the embedded issuer.'),
  OIDC_CLIENT_ID: z.string().default('atrium-shell').describe('OIDC client of the console.'),
  OIDC_CLIENT_SECRET: z.string().optional().describe('Client secret (confidential client). Unset: public client with PKCE only.'),
  OIDC_SCOPES: z.string().default('openid profile email').describe('Scopes requested at login.'),
  SHELL_SESSION_SECRET: z.string().min(32).describe('At least 32 characters; encrypts the session cookie (iron-session).'),
  CHATWOOT_DASHBOARD_URL: z
    .string()
    .url()
    .optional()
    .describe("Chatwoot's address as browsers reach it, when it differs from the base URL a tenant connected (e.g. a compose hostname)."),
});

export type ShellEnv = z.infer<typeof schema>;
let cached: ShellEnv | undefined;

export function shellEnv(): ShellEnv {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid shell configuration:\n${lines.join('\n')}`);
  }
  cached = Object.freeze(parsed.data);
  return cached;
}

/** Cookies are Secure whenever the console is served over https. */
export const secureCookies = () => shellEnv().SHELL_PUBLIC_URL.startsWith('https://');
