import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { ShellStack } from './stack';

/** Debian's chromium, never a downloaded browser; flags keep it off the network and quiet. */
const CHROMIUM = process.env.SHELL_E2E_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const stack = () => inject('shellStack' as never) as ShellStack;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export async function newSession(browser: Browser, viewport = { width: 1366, height: 860 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: stack().shellUrl, viewport });
  context.setDefaultTimeout(20_000);
  return { context, page: await context.newPage() };
}

/** Signs in through the real Keycloak login form (demo password convention of keycloak/atrium-realm.json). */
export async function signIn(page: Page, username: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.waitForURL((url) => url.href.startsWith(stack().issuer), { timeout: 30_000 });
  await page.fill('#username', username);
  await page.fill('#password', `${username}-pass`);
  await page.click('#kc-login');
  await page.waitForURL((url) => url.href.startsWith(stack().shellUrl) && !url.pathname.startsWith('/auth/'), { timeout: 30_000 });
  await page.getByTestId('whoami').waitFor({ state: 'attached' }); // hidden (not absent) on narrow screens
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Capture what a user reads, not skeletons: wait until no region is still loading.
  await page.waitForFunction(`document.querySelectorAll('[aria-busy="true"]').length === 0`, undefined, { timeout: 15_000 });
  await page.screenshot({ path: join(stack().artifacts, `${name}.png`), fullPage: true });
}

/** Seeding goes through the public API with the platform admin key, as an operator's script would. */
export async function adminApi<T = unknown>(
  path: string,
  init: { method?: string; tenant?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${stack().adminKey}` };
  if (init.tenant) headers['x-tenant-id'] = init.tenant;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack().apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
