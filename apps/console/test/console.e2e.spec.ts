import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '@govern/console-server';
import { devTokenProviderByPolicy, SERVICE_POLICIES, PolicyTable } from '@govern/platform-auth';
import { connectPlatform, type PlatformClients, type PlatformReport } from '@govern/platform-clients';
import { axeViolations, launchBrowser, screenshot, type Browser } from './browser';
import { governReportJson, startPlatformAsReadmeSays, type PlatformProcess } from './platform-process';
import { seedPlatform, type Seeded } from './seed';

/**
 * The console in a real headless Chromium against the four services started as the README
 * says (`npm start`'s entry point): operators sign in, work the queues, watch livestreams and
 * read the report; every page passes axe-core's WCAG 2.1 AA rules; screenshots go to
 * tmp/console-screenshots/.
 */
const TIME_ZONE = 'Asia/Shanghai';

describe('operator console in Chromium', () => {
  let platform: PlatformProcess;
  let clients: PlatformClients;
  let console_: RunningConsole;
  let browser: Browser;
  let page: Page;
  let seeded: Seeded;
  let pkiDir: string;

  const url = (path: string): string => `${console_.url}${path}`;

  const signIn = async (subject: string): Promise<void> => {
    await browser.context.clearCookies();
    await page.goto(url('/sign-in'));
    await page.check(`input[name="identity"][value="${subject}"]`);
    await page.click('form[action="/sign-in/dev"] button[type="submit"]');
    await expect.poll(() => page.locator('[data-subject]').getAttribute('data-subject')).toBe(subject);
  };

  /** Every page visited is checked by axe and photographed. */
  const visit = async (path: string, name: string): Promise<void> => {
    const response = await page.goto(url(path));
    expect(response?.status(), path).toBe(200);
    expect(await axeViolations(page), `axe on ${path}`).toEqual([]);
    await screenshot(page, name);
  };

  const decideWithKeys = async (key: string, note: string): Promise<void> => {
    await page.keyboard.press(key);
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.type(note);
    await Promise.all([page.waitForURL(/done=/), page.keyboard.press('Control+Enter')]);
  };

  beforeAll(async () => {
    platform = await startPlatformAsReadmeSays();
    const ca = readFileSync(join(platform.pkiDir, 'ca.crt'));
    // Seeding plays the marketplace's actors: per RPC, the caller the services' tables name for it.
    clients = connectPlatform(platform.addresses, {
      transport: { mode: 'tls', options: { ca } },
      token: devTokenProviderByPolicy(join(platform.pkiDir, 'token-signing-key.json'), new PolicyTable(SERVICE_POLICIES), { personPrefix: 'console-e2e' }),
    });
    seeded = await seedPlatform(clients, `e2e${Date.now().toString(36)}`);
    // Dev sign-in signs with the platform's key (the only one its services trust); TLS against its CA.
    pkiDir = platform.pkiDir;
    console_ = await startConsole({
      log: pino({ level: 'warn' }),
      host: '127.0.0.1',
      port: 0,
      services: platform.addresses,
      transport: { mode: 'tls', options: { ca } },
      auth: { mode: 'dev', pkiDir },
      reportTimeZone: TIME_ZONE,
      livePollMs: 300,
    });
    browser = await launchBrowser();
    page = browser.page;
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await console_?.close();
    clients?.close();
    await platform?.stop();

  });

  it('hides decisions from an operator without the role, and the console refuses them too', async () => {
    await signIn('risk.zhao');
    await visit(`/queues/review-cases/${seeded.applicationCaseId}`, 'review-case-read-only');
    await expect.poll(() => page.locator('[data-read-only]').count()).toBe(1);
    expect(await page.locator('form[data-decision-form]').count()).toBe(0);
    expect(await page.locator('form[action$="/claim"]').count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const refused = await page.request.post(url(`/queues/review-cases/${seeded.applicationCaseId}/claim`), {
      form: { _csrf: csrf, request_id: 'e2e-forbidden-claim' },
      headers: { origin: console_.url },
    });
    expect(refused.status()).toBe(403);

    await signIn('audit.chen');
    expect(await page.locator('nav a[href="/queues/review-cases"]').count()).toBe(0);
    expect((await page.goto(url('/queues/review-cases')))?.status()).toBe(403);
    await page.goto(url(`/queues/content-appeals/${seeded.creatorId}/${seeded.creatorAppealId}`));
    expect(await page.locator('[data-read-only]').count()).toBe(1);
    expect(await page.locator('form[data-decision-form]').count()).toBe(0);
  }, 120_000);

  it('claims a review case, shows the ring evidence as a graph, approves it with the keyboard; the new merchant is active', async () => {
    await signIn('ops.lin');
    await visit('/queues/review-cases', 'review-queue');
    // Wait for the case page to load before the keyboard shortcuts: a key pressed mid-navigation reaches no page.
    await Promise.all([page.waitForURL(`**/queues/review-cases/${seeded.applicationCaseId}`), page.click(`a[href="/queues/review-cases/${seeded.applicationCaseId}"]`)]);
    expect(await page.locator(`svg.ring [data-node="${seeded.linkedMerchantId}"]`).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'review-case');

    await Promise.all([page.waitForURL(/done=/), page.keyboard.press('c')]);
    await decideWithKeys('a', '资料齐全，关联商家经营正常，准予入驻');
    expect(await page.locator('[data-case-status]').getAttribute('data-case-status')).toBe('REVIEW_CASE_STATUS_DECIDED');
    expect(await page.locator('[data-decided-by]').textContent()).toBe('ops.lin');
    await screenshot(page, 'review-case-decided');

    await page.click('#application-h ~ dl a[href^="/merchants/"]');
    expect(await page.locator('[data-part="standing"] [data-standing]').getAttribute('data-standing')).toBe('MERCHANT_STATUS_ACTIVE');
  }, 120_000);

  it('overturns a merchant’s violation appeal: listing restriction lifted, points restored', async () => {
    await signIn('ops.lin');
    await page.goto(url(`/merchants/${seeded.restrictedMerchantId}`));
    expect(await page.locator('[data-part="standing"] [data-standing]').getAttribute('data-standing')).toBe('MERCHANT_STATUS_LISTING_RESTRICTED');
    expect(await page.locator('[data-part="standing"] [data-points]').textContent()).toBe('12');

    await page.goto(url(`/queues/review-cases/${seeded.appealCaseId}`));
    await Promise.all([page.waitForURL(/done=/), page.keyboard.press('c')]);
    await decideWithKeys('o', '送检批次与店铺进货单不符，撤销违规');
    expect(await page.locator('[data-standing]').getAttribute('data-standing')).toBe('MERCHANT_STATUS_ACTIVE');
    // The appeal itself names who decided it (merchant-access Appeal.reviewer_id).
    expect(await page.locator('[data-appeal-decided-by]').textContent()).toBe('ops.lin');

    await visit(`/merchants/${seeded.restrictedMerchantId}`, 'merchant');
    expect(await page.locator('[data-part="standing"] [data-standing]').getAttribute('data-standing')).toBe('MERCHANT_STATUS_ACTIVE');
    expect(await page.locator('[data-part="standing"] [data-points]').textContent()).toBe('0');
  }, 120_000);

  it('overturns a content appeal and the creator’s credit is restored', async () => {
    await signIn('ops.lin');
    await visit(`/creators/${seeded.creatorId}`, 'creator');
    expect(await page.locator('[data-credit-value]').textContent()).toBe('6');

    await visit('/queues/content-appeals', 'content-appeals');
    await Promise.all([
      page.waitForURL(`**/queues/content-appeals/${seeded.creatorId}/${seeded.creatorAppealId}`),
      page.click(`a[href="/queues/content-appeals/${seeded.creatorId}/${seeded.creatorAppealId}"]`),
    ]);
    await decideWithKeys('o', '引用消费者评价，非主播宣称');
    expect(await page.locator('[data-credit-value]').textContent()).toBe('12');
    expect(await page.locator('[data-decided-by]').textContent()).toBe('ops.lin');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'content-appeal-decided');
  }, 120_000);

  it('shows a livestream’s escalation without a reload', async () => {
    await signIn('ops.lin');
    const livestreamId = `e2e-live-${Date.now().toString(36)}`;
    await clients.content.startLivestream({ requestId: `${livestreamId}-start`, livestreamId, creatorId: `${livestreamId}-host`, title: '秋季新款卫衣', linkedProducts: [] });
    await visit('/live', 'live');
    const row = page.locator(`tr[data-livestream="${livestreamId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    async function* signals() {
      yield { signal: { livestreamId, clientSequence: 1n, observeTime: new Date(), transcriptSegment: { text: '这款卫衣全网第一，国家级品质，100%有效', startOffsetMs: 0n, endOffsetMs: 4_000n } } };
    }
    for await (const response of clients.content.streamLivestreamSignals(signals())) expect(response.action?.error).toBeUndefined();

    await expect.poll(() => row.getAttribute('data-level'), { timeout: 15_000 }).toMatch(/WARN_HOST|LIMIT_TRAFFIC|INTERRUPT/);
    // The session's punishment reaches the database behind the live answer (write-behind): wait
    // until the governance figures count it, so the report test below reads settled figures.
    await expect
      .poll(async () => {
        const report = (await governReportJson(platform.addresses, new Date(Date.now() - 3_600_000).toISOString(), new Date(Date.now() + 60_000).toISOString(), platform.pkiDir)) as PlatformReport;
        return report.lines.find((line) => line.figure === 'violating livestreams punished')?.value ?? 0;
      }, { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot(page, 'live-escalated');
  }, 120_000);

  it('draws the report from the same figures as `govern report --json`, per day, and exports them', async () => {
    await signIn('lead.sun');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await visit(`/report?from=${yesterday}&to=${today}&per=day`, 'report');
    const window_ = page.locator('[data-window-from]');
    const from = (await window_.getAttribute('data-window-from')) as string;
    const to = (await window_.getAttribute('data-window-to')) as string;

    const exported = (await (await page.request.get(url(`/report.json?from=${yesterday}&to=${today}&per=day`))).json()) as { totals: PlatformReport; buckets: { label: string; report: PlatformReport }[] };
    const cli = (await governReportJson(platform.addresses, from, to, platform.pkiDir)) as PlatformReport;
    expect(exported.totals).toEqual(cli);
    const lastBucket = exported.buckets.at(-1)?.report as PlatformReport;
    expect(await governReportJson(platform.addresses, lastBucket.window.from, lastBucket.window.to, platform.pkiDir)).toEqual(lastBucket);

    for (const line of cli.lines) {
      const figure = line.figure.replaceAll('"', '\\"');
      expect(Number(await page.locator(`tr[data-figure="${figure}"]`).getAttribute('data-value')), line.figure).toBe(line.value);
      const points = await page.locator(`figure[data-chart="${figure}"] [data-point]`).evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-value'))));
      expect(points, line.figure).toEqual(exported.buckets.map((b) => b.report.lines.find((l) => l.figure === line.figure)?.value));
    }
    expect(cli.lines.find((l) => l.figure === 'merchants removed')).toBeDefined();

    const csv = await (await page.request.get(url(`/report.csv?from=${yesterday}&to=${today}&per=day`))).text();
    expect(csv.split('\r\n')[0]).toBe('bucket,from,to,pillar,figure,value,unit,source');
    expect(csv).toContain(`total,${from},${to},merchants,high-risk merchants intercepted at onboarding,`);
  }, 120_000);

  it('every page passes axe-core in both languages', async () => {
    await signIn('lead.sun');
    const pages: [string, string][] = [
      ['/', 'home'],
      ['/queues/review-cases?status=', 'review-queue-all'],
      ['/queues/ban-appeals', 'ban-appeals'],
      ['/queues/ip-complaints', 'ip-complaints'],
      [`/queues/disputes?merchant=${seeded.restrictedMerchantId}`, 'disputes'],
      ['/queues/disputes', 'disputes-platform-wide'],
      ['/lookup', 'lookup'],
      [`/products/${seeded.restrictedMerchantId}`, 'product'],
      ['/orders/no-such-order', 'order'],
      ['/fund', 'fund'],
    ];
    for (const [path, name] of pages) await visit(path, name);
    await page.goto(url('/'));
    await Promise.all([page.waitForURL(url('/')), page.click('a.lang')]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Home');
    await visit('/queues/content-appeals?state=', 'content-appeals-en');
    await visit(`/merchants/${seeded.linkedMerchantId}`, 'merchant-en');
    await browser.context.clearCookies();
    await visit('/sign-in', 'sign-in');
  }, 180_000);
});
