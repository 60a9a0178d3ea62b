import 'server-only';
import { cookies } from 'next/headers';
import { getIronSession, sealData, unsealData, type SessionOptions } from 'iron-session';
import { secureCookies, shellEnv } from '../env';

/**
 * The browser only ever holds sealed (encrypted + MACed) httpOnly cookies; tokens never reach client JavaScript.
 * iron-session is a well-kept sealed-cookie library; the id_token lives in its own cookie because Keycloak tokens
 * together can exceed the 4 KB per-cookie limit.
 */
export interface ShellSession {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch seconds at which the access token expires. */
  expiresAt?: number;
  subject?: string;
  name?: string;
}

const sessionOptions = (): SessionOptions => ({
  cookieName: 'atrium_session',
  password: shellEnv().SHELL_SESSION_SECRET,
  ttl: 60 * 60 * 12,
  cookieOptions: { httpOnly: true, sameSite: 'lax', secure: secureCookies(), path: '/' },
});

export async function readSession() {
  return getIronSession<ShellSession>(await cookies(), sessionOptions());
}

const ID_TOKEN_COOKIE = 'atrium_idt';
const LOGIN_COOKIE = 'atrium_login';

export async function storeIdToken(idToken: string | undefined) {
  const jar = await cookies();
  if (!idToken) return void jar.delete(ID_TOKEN_COOKIE);
  const sealed = await sealData(idToken, { password: shellEnv().SHELL_SESSION_SECRET, ttl: 60 * 60 * 12 });
  jar.set(ID_TOKEN_COOKIE, sealed, { httpOnly: true, sameSite: 'lax', secure: secureCookies(), path: '/' });
}

export async function takeIdToken(): Promise<string | undefined> {
  const jar = await cookies();
  const sealed = jar.get(ID_TOKEN_COOKIE)?.value;
  jar.delete(ID_TOKEN_COOKIE);
  if (!sealed) return undefined;
  return unsealData<string>(sealed, { password: shellEnv().SHELL_SESSION_SECRET }).then((v) => (typeof v === 'string' ? v : undefined));
}

/** PKCE verifier, state and nonce survive the round trip to the identity provider in a 10-minute sealed cookie. */
export interface PendingLogin {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

export async function storePendingLogin(pending: PendingLogin) {
  const sealed = await sealData(pending, { password: shellEnv().SHELL_SESSION_SECRET, ttl: 600 });
  (await cookies()).set(LOGIN_COOKIE, sealed, { httpOnly: true, sameSite: 'lax', secure: secureCookies(), path: '/auth', maxAge: 600 });
}

export async function takePendingLogin(): Promise<PendingLogin | undefined> {
  const jar = await cookies();
  const sealed = jar.get(LOGIN_COOKIE)?.value;
  jar.delete({ name: LOGIN_COOKIE, path: '/auth' });
  if (!sealed) return undefined;
  const data = await unsealData<PendingLogin>(sealed, { password: shellEnv().SHELL_SESSION_SECRET });
  return data && typeof data.verifier === 'string' ? data : undefined;
}
