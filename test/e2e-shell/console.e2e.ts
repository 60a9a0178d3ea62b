import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { allows, MODULES, type ModuleKey } from '../../shell/lib/modules';
import { adminApi, launchBrowser, newSession, screenshot, signIn, stack } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the console for a tenant admin', () => {
  it('signs in through the Keycloak login page and shows every module the roles allow, with a screenshot of each', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice');
    const me = (await (await page.request.get('/api/atrium/v1/me')).json()) as { tenants: Array<{ slug: string; abilities: string[] }> };
    const abilities = me.tenants.find((t) => t.slug === 'acme')!.abilities;
    const nav = page.getByRole('navigation', { name: 'Modules' });
    for (const mod of MODULES) {
      const link = nav.getByRole('link', { name: mod.label, exact: true });
      if (!allows(abilities, mod)) {
        await expect(link.count()).resolves.toBe(0);
        continue;
      }
      await link.click();
      await page.waitForURL(`**${mod.href}`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(mod.label);
      await screenshot(page, `module-${mod.key}`);
    }
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await page.goto('/activity');
    await expect(page.evaluate(`document.documentElement.classList.contains('dark')`)).resolves.toBe(true);
    await screenshot(page, 'dark-activity');
    await context.close();
  });

  it('lists the sources, uploads a document with a progress bar to 100 % and shows it move to indexed without a reload', async () => {
    const source = await adminApi<{ id: string }>('/v1/knowledge/sources', {
      method: 'POST',
      tenant: 'acme',
      body: { kind: 'upload', name: 'Warranty handbook' },
    });
    expect(source.status).toBe(201);
    const pushed = await adminApi('/v1/knowledge/documents', {
      method: 'POST',
      tenant: 'acme',
      body: { title: 'Warranty terms', text: '# Warranty\n\nEvery appliance carries a two-year warranty.\n', source_id: source.body.id },
    });
    expect(pushed.status).toBe(202);
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/knowledge');
    await expect
      .poll(() => page.getByTestId('sources').locator('li', { hasText: 'Warranty handbook' }).textContent())
      .toMatch(/Warranty handbook\s*1 document\s*upload/);

    // A local upload can finish within one frame, so every state the bar shows is recorded as it happens.
    await page.evaluate(`(() => {
      window.__uploadProgress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"]');
        const seen = bar && bar.getAttribute('aria-label') + ' ' + bar.getAttribute('aria-valuenow');
        if (seen && window.__uploadProgress.at(-1) !== seen) window.__uploadProgress.push(seen);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await page.getByTestId('upload-input').setInputFiles({
      name: 'returns-policy.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(
        '# Returns\n\nCustomers may return unused items within 30 days of delivery for a full refund.\n\n## Damaged items\n\nDamaged items are replaced free of charge.\n',
      ),
    });
    const bar = page.getByRole('progressbar', { name: 'Uploaded returns-policy.md' });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('returns-policy.md uploaded; indexing…').waitFor();
    const seen = (await page.evaluate('window.__uploadProgress')) as string[];
    expect(seen[0]).toMatch(/^Uploading returns-policy\.md \d+$/); // shown while the file was on its way
    expect(seen.at(-1)).toBe('Uploaded returns-policy.md 100');
    await screenshot(page, 'knowledge-uploaded');
    const row = page.getByTestId('document-row').filter({ hasText: 'returns' });
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000, interval: 500 }).toBe('indexed');
    await page.getByLabel('Search query').fill('how long do I have to return an item');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('citations').textContent()).resolves.toMatch(/30 days/);
    await screenshot(page, 'knowledge-indexed');
    await context.close();
  });

  it('approves a pending request with one click and a second tab sees the activity arrive live', async () => {
    const title = `Refund exception for order ${Date.now()}`;
    const created = await adminApi<{ id: string }>('/v1/approvals', {
      method: 'POST',
      tenant: 'acme',
      body: { type: 'refund_exception', title, details: 'Customer asks for a refund after 45 days.' },
    });
    expect(created.status).toBe(201);

    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/activity');
    const timeline = await context.newPage();
    await timeline.goto('/activity');
    await timeline.getByText('Live', { exact: true }).waitFor();

    await page.goto('/approvals');
    await page.getByTestId('approval-list').getByText(title).click();
    await page.getByTestId('approve').click();
    await expect.poll(() => page.getByTestId('approval-detail').textContent(), { timeout: 15_000 }).toMatch(/approved|executed/);

    // The other tab never reloads: the entry arrives over the SSE stream.
    await timeline.getByTestId('activity-list').getByText(`Approved: ${title}`).waitFor({ timeout: 15_000 });
    // The notification centre in the top bar is fed by the same stream: an unread count, then the entry itself.
    const bell = timeline.getByTestId('notifications');
    await expect.poll(() => bell.getAttribute('aria-label')).toMatch(/unread/);
    await bell.click();
    await timeline.getByRole('dialog', { name: 'Notifications' }).getByText(`Approved: ${title}`).waitFor();
    await screenshot(timeline, 'activity-live');
    await screenshot(page, 'approvals-decided');

    // The open queue follows the stream too: a request made elsewhere appears without a reload, and is rejected with a reason.
    await expect.poll(() => page.getByTestId('notifications').getAttribute('aria-label')).toMatch(/unread/); // this tab's stream is up
    await page.evaluate('window.__sameDocument = true');
    const second = `Goodwill voucher for order ${Date.now()}`;
    const pending = await adminApi<{ id: string }>('/v1/approvals', {
      method: 'POST',
      tenant: 'acme',
      body: { type: 'goodwill_voucher', title: second, details: 'Customer waited three weeks for a parcel.' },
    });
    expect(pending.status).toBe(201);
    await page.getByTestId('approval-list').getByText(second).click({ timeout: 15_000 });
    await expect(page.evaluate('window.__sameDocument')).resolves.toBe(true);
    const reason = 'Delay was the carrier’s; voucher policy does not apply';
    await page.getByTestId('approval-detail').getByLabel('Reason').fill(reason);
    await page.getByTestId('reject').click();
    await expect.poll(() => page.getByTestId('approval-detail').textContent(), { timeout: 15_000 }).toMatch(/rejected/);
    await page.getByTestId('approval-detail').getByText(reason).waitFor();
    const stored = await adminApi<{ status: string; decision_reason: string | null }>(`/v1/approvals/${pending.body.id}`, { tenant: 'acme' });
    expect(stored.body).toMatchObject({ status: 'rejected', decision_reason: reason });
    await expect.poll(() => page.getByTestId('approval-list').getByText(second).count()).toBe(0); // it left the pending queue
    await screenshot(page, 'approvals-rejected');
    await context.close();
  });

  it('opens the audit log with the chain verified and the latest decisions listed', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/audit');
    await page.getByTestId('chain-status').getByText('Chain intact.').waitFor();
    await page.getByTestId('audit-entries').locator('tbody tr').first().waitFor();
    await expect(page.getByTestId('audit-entries').getByText('approval.approved').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'audit-log');
    await context.close();
  });
});

describe('settings', () => {
  it('refuses an invalid config, publishes a valid one, shows the diff and rolls back', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/settings');
    const editor = page.getByTestId('config-editor');
    // The editor is filled in an effect after its first render with the config: read it once it holds the config.
    await expect.poll(() => editor.inputValue()).toContain('"temperature": 0.2');
    const original = await editor.inputValue();
    await editor.fill(original.replace('"temperature": 0.2', '"temperature": 5'));
    await page.getByTestId('config-problems').getByText('models.temperature').waitFor();
    await expect(page.getByRole('button', { name: 'Publish' }).isDisabled()).resolves.toBe(true);

    await editor.fill(original.replace('"name": "Atrium"', '"name": "Acme Helper"'));
    await page.getByText('Valid configuration.').waitFor();
    await page.getByLabel('Change comment').fill('Friendlier assistant name');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published version 2.').waitFor();

    await page.getByRole('button', { name: /^v1/ }).click();
    await page
      .getByTestId('config-diff')
      .getByText(/^-\s*"name": "Atrium",$/)
      .waitFor();
    await page
      .getByTestId('config-diff')
      .getByText(/^\+\s*"name": "Acme Helper",$/)
      .waitFor();
    await screenshot(page, 'settings-diff');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.getByText('Rolled back: version 1 is live again as version 3.').waitFor();
    await expect(editor.inputValue()).resolves.toContain('"name": "Atrium"');
    await context.close();
  });
});

/** The call each module's screen starts with (a write for the chat playground), as the console's own pages send it. */
const API_OF: Record<ModuleKey, { method: 'GET' | 'POST'; path: string; body?: unknown }> = {
  inbox: { method: 'GET', path: '/v1/conversations' },
  conversations: { method: 'GET', path: '/v1/conversations' },
  approvals: { method: 'GET', path: '/v1/approvals' },
  activity: { method: 'GET', path: '/v1/activity' },
  chat: { method: 'POST', path: '/v1/chat/completions', body: { model: 'atrium', messages: [{ role: 'user', content: 'hello' }] } },
  knowledge: { method: 'GET', path: '/v1/knowledge/documents' },
  tools: { method: 'GET', path: '/v1/tools' },
  usage: { method: 'GET', path: '/v1/admin/usage' },
  audit: { method: 'GET', path: '/v1/admin/audit-logs' },
  compliance: { method: 'GET', path: '/v1/admin/compliance/report' },
  settings: { method: 'GET', path: '/v1/admin/config' },
};

describe('tenants and roles', () => {
  it("switches tenant from the top bar and the pages show the chosen tenant's data", async () => {
    const title = `Globex parcel stuck in customs ${Date.now()}`;
    const seeded = await adminApi('/v1/conversations', { method: 'POST', tenant: 'globex', body: { title, channel: 'web' } });
    expect(seeded.status).toBe(201);
    const { context, page } = await newSession(browser);
    await signIn(page, 'max', '/conversations');
    const switcher = page.getByTestId('tenant-switcher');
    await expect(switcher.locator('option').allTextContents()).resolves.toEqual(expect.arrayContaining(['Acme Corp', 'Globex Inc']));
    await expect(switcher.inputValue()).resolves.toBe('acme');
    await expect(page.getByText(title).count()).resolves.toBe(0);
    await switcher.selectOption('globex');
    await expect.poll(async () => (await context.cookies()).find((c) => c.name === 'atrium_tenant')?.value).toBe('globex');
    await page.getByTestId('conversation-list').getByText(title).waitFor();
    await page.reload();
    await expect(page.getByTestId('tenant-switcher').inputValue()).resolves.toBe('globex');
    await screenshot(page, 'tenant-switched');
    await context.close();
  });

  it('hides modules a role does not allow, answers 404 for their pages and the API refuses them with 403', async () => {
    for (const username of ['nina', 'bob']) {
      const { context, page } = await newSession(browser);
      await signIn(page, username);
      const me = (await (await page.request.get('/api/atrium/v1/me')).json()) as { tenants: Array<{ slug: string; abilities: string[] }> };
      const abilities = me.tenants[0]?.abilities ?? [];
      const forbidden = MODULES.filter((m) => !allows(abilities, m));
      expect(forbidden.length).toBeGreaterThan(0);
      const nav = page.getByRole('navigation', { name: 'Modules' });
      await screenshot(page, `roles-${username}`);
      for (const mod of forbidden) {
        await expect(nav.getByRole('link', { name: mod.label, exact: true }).count()).resolves.toBe(0);
        const response = await page.goto(mod.href);
        expect(response?.status(), `${username} reaching ${mod.href}`).toBe(404);
        // ...and the API behind it refuses this user too, whatever the console shows.
        const call = API_OF[mod.key];
        const probe = await page.request.fetch(`/api/atrium${call.path}`, { method: call.method, data: call.body, headers: { 'x-atrium-shell': '1' } });
        expect(probe.status(), `${username} calling ${call.method} ${call.path}`).toBe(403);
      }
      if (!abilities.includes('audit:verify')) expect((await page.request.get('/api/atrium/v1/admin/audit-logs/verify')).status()).toBe(403);
      await context.close();
    }
  });
});

describe('chat playground', () => {
  it("streams an answer to an agent's question", async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, 'bob');
    const me = (await (await page.request.get('/api/atrium/v1/me')).json()) as { tenants: Array<{ abilities: string[] }> };
    expect(
      allows(
        me.tenants[0]?.abilities ?? [],
        MODULES.find((m) => m.key === 'chat')!,
      ),
    ).toBe(true);
    await page.goto('/chat');
    await page.getByLabel('Message').fill('How many days do customers have to return unused items?');
    await page.getByRole('button', { name: 'Send' }).click();
    const transcript = page.getByTestId('chat-transcript');
    await expect.poll(async () => (await transcript.textContent()) ?? '', { timeout: 45_000 }).not.toMatch(/Thinking…/);
    await expect(transcript.getByRole('alert').count()).resolves.toBe(0);
    // The answer cites the document uploaded earlier in this file.
    await expect.poll(async () => (await transcript.getByTestId('citations').allTextContents()).join(' '), { timeout: 10_000 }).toMatch(/returns/i);
    await screenshot(page, 'chat-playground');
    await context.close();
  });
});

describe('website widget', () => {
  it('answers a visitor through the <script> embed with a chat-only API key', async () => {
    const key = await adminApi<{ key: string }>('/v1/auth/api-keys', {
      method: 'POST',
      tenant: 'acme',
      body: { name: 'website widget', scopes: ['chat:create'] },
    });
    expect(key.status).toBe(201);
    const { context, page } = await newSession(browser);
    const query = new URLSearchParams({ tenant: 'acme', key: key.body.key, api: stack().apiUrl, title: 'Acme help' });
    await page.goto(`/widget-demo.html?${query}`);
    const widget = page.locator('[data-atrium-widget]');
    await widget.getByRole('button', { name: 'Open chat' }).click();
    await widget.getByLabel('Your message').fill('How many days do customers have to return unused items?');
    await widget.getByRole('button', { name: 'Send' }).click();
    const answer = widget.locator('.msg.bot').last();
    await expect.poll(async () => (await answer.textContent()) ?? '', { timeout: 45_000 }).toMatch(/\S{2,}/);
    await expect(answer.textContent()).resolves.not.toMatch(/unavailable right now/);
    // The answer cites the document uploaded earlier in this run.
    await expect
      .poll(
        async () =>
          (await answer
            .locator('.cites')
            .textContent()
            .catch(() => '')) ?? '',
        { timeout: 10_000 },
      )
      .toMatch(/returns/i);
    await page.screenshot({ path: `${stack().artifacts}/widget.png` });
    await context.close();
  });
});

describe('session', () => {
  it('keeps tokens out of reach of page scripts, refuses the API proxy without a session and a cross-site write even with one', async () => {
    const anonymous = await fetch(`${stack().shellUrl}/api/atrium/v1/me`);
    expect(anonymous.status).toBe(401);
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice');

    // The session is a sealed httpOnly cookie; no token is within reach of the page's JavaScript.
    const jwt = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
    const shellCookies = await context.cookies(stack().shellUrl);
    const session = shellCookies.find((c) => c.name === 'atrium_session');
    expect(session?.httpOnly).toBe(true);
    expect(['Lax', 'Strict']).toContain(session?.sameSite);
    for (const c of shellCookies) expect(c.value, c.name).not.toMatch(jwt);
    const readable = (await page.evaluate('document.cookie')) as string;
    expect(readable).not.toMatch(/atrium_session|atrium_idt/);
    expect(readable).not.toMatch(jwt);
    expect(await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })')).not.toMatch(jwt);

    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const crossSite = await fetch(`${stack().shellUrl}/api/atrium/v1/admin/config/rollback`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(crossSite.status).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login?signed_out=1', { timeout: 30_000 });
    expect((await page.request.get('/api/atrium/v1/me')).status()).toBe(401);
    await context.close();
  });
});
