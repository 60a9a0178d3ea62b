import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { adminApi, launchBrowser, newSession, screenshot, signIn } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the compliance page', () => {
  it('answers "what did the assistant do, and how safely": chain status, retention, safety policy, DSAR history, red-team evidence', async () => {
    const dsar = await adminApi<{ id: string }>('/v1/admin/dsar', { method: 'POST', tenant: 'acme', body: { type: 'export', email: 'nobody@example.com' } });
    expect(dsar.status).toBe(202);
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/compliance');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Compliance');
    const chain = page.getByTestId('compliance-chain');
    await chain.waitFor();
    await expect(chain.textContent()).resolves.toMatch(/verified/);
    await expect(page.getByText('Conversations and content').count()).resolves.toBe(1);
    await expect(page.getByText('Prompt injection').count()).resolves.toBe(1);
    await expect(page.getByTestId('compliance-dsar').textContent()).resolves.toContain(`export ${dsar.body.id.slice(0, 8)}`);
    await expect(page.getByTestId('compliance-evidence').textContent()).resolves.toMatch(/Red-team battery/);
    await screenshot(page, 'compliance');
    await context.close();
  });
});
