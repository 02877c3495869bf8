import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Debian's chromium (apt-get install chromium); .ci/run installs it. Without it this test fails. */
const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '../..');
const SCREENSHOT = join(ROOT, 'docs/demo.png');
/** Wednesday 10:40 AM in Austin: every agent at work. */
const MORNING = '2026-11-25T16:40:00Z';

/**
 * `lead-dispatch demo`, started as a user starts it (the CLI, one printed line), driven through its
 * page in headless Chromium: every click below goes through the app's real signed /slack/events.
 */
describe('lead-dispatch demo in a real browser', () => {
  let demo: ChildProcess | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  let url = '';
  let printed = '';
  const profile = mkdtempSync(join(tmpdir(), 'lead-dispatch-chromium-'));

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'demo', '--port', '0', '--at', MORNING],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    demo = child;
    let errors = '';
    child.stderr?.on('data', (chunk) => {
      errors += String(chunk);
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${printed}${errors}`)), 50_000);
      child.stdout?.on('data', (chunk) => {
        printed += String(chunk);
        const found = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed)?.[1];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${printed}${errors}`)));
    });
    // A fresh profile each run (Playwright passes it to Chromium as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1600, height: 1100 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    demo?.kill('SIGTERM');
    if (demo && demo.exitCode === null) await new Promise((resolve) => demo?.once('exit', resolve));
    rmSync(profile, { recursive: true, force: true });
  }, 30_000);

  const person = (id: string): Locator => page.locator(`[data-person="${id}"]`);
  const leaders = (): Locator => page.locator('[data-channel="C0LEADERS1"]');
  const dm = (id: string, text: string): Locator =>
    person(id).locator('.conversation > .item', { hasText: text });

  it('prints one line with a loopback address', () => {
    expect(printed.trim().split('\n')).toHaveLength(1);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('offers a lead, takes a claim, lets an SLA lapse to the backup and the leaders, who assign it', async () => {
    await page.goto(url);
    await expect.poll(() => person('U0DANA001').count()).toBe(1);
    // Inactive agents have no column; the App Home is published for everyone who works.
    expect(await person('U0OLD0001').count()).toBe(0);
    await person('U0LEE0001').locator('summary', { hasText: 'App Home' }).click();
    await person('U0LEE0001').locator('.home button', { hasText: 'Away' }).waitFor();

    // The Zillow example: a buyer lead in 78701, which Dana and Priya know; Dana (weight 2) is first.
    await page.locator('[data-example="zillow"]').click();
    const offer = dm('U0DANA001', 'Luis Buyer');
    await offer.waitFor();
    expect(await offer.locator('button', { hasText: 'Claim' }).count()).toBe(1);
    expect(await dm('U0PRIYA01', 'Luis Buyer').count()).toBe(0);
    await expect
      .poll(() => page.locator('#sent').textContent())
      .toBe("Lead #1 sent — watch Dana Reyes's column");
    expect(await page.locator('#sent').getAttribute('title')).toBe('POST /leads → 202 {"id":1}');

    await offer.locator('button', { hasText: 'Claim' }).click();
    await offer.locator('text=Claimed by you').waitFor();
    expect(await offer.locator('button', { hasText: 'Claim' }).count()).toBe(0);
    // As the README's "what to try first" says: Dana has called, so no contact reminder comes next.
    await offer.locator('button', { hasText: 'Mark contacted' }).click();
    await offer.locator('text=Marked contacted').waitFor();

    // A web-form seller lead goes to Sam (the pool's first); its SLA lapses and Lee is the backup.
    await page.locator('[data-example="web-form"]').click();
    await dm('U0SAM0001', 'Mei Buyer').waitFor();
    await page.locator('[data-speed="60"]').click();
    await expect.poll(() => page.locator('[data-speed="60"]').getAttribute('class')).toBe('on');
    // Back to real time, so only the jumps below move the clock however slow the machine is.
    await page.locator('[data-speed="1"]').click();
    await expect.poll(() => page.locator('[data-speed="1"]').getAttribute('class')).toBe('on');
    // A double click is one jump: Lee gets the offer, and it is not escalated past him unseen.
    await page.locator('#jump').dblclick();
    const backup = dm('U0LEE0001', 'Mei Buyer');
    await backup.waitFor();
    await expect.poll(() => page.locator('#jump').isEnabled()).toBe(true);
    expect(await leaders().locator('.conversation > .item', { hasText: 'Mei Buyer' }).count()).toBe(0);
    expect(await backup.locator('button', { hasText: 'Claim' }).count()).toBe(1);

    // Lee lets it lapse too: the chain has run out, so it goes to the leaders' channel.
    await page.locator('#jump').click();
    const escalation = leaders().locator('.conversation > .item', { hasText: 'Mei Buyer' });
    await escalation.waitFor();
    await escalation.locator('select[data-kind="users_select"]').selectOption('U0IVY0001');
    await escalation.locator('text=assigned it to Ivy Chen').waitFor();
    await dm('U0IVY0001', 'Mei Buyer').waitFor();

    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
  }, 60_000);

  it('takes /away and /back typed as members, the Away… modal with its field errors, the App Home Back button and /dispatch who', async () => {
    await page.goto(url);
    const marco = person('U0MARCO01');
    // A mistyped command is refused in Marco's own column and stays in his box to be corrected.
    await marco.locator('.composer input').fill('/awya 2h');
    await marco.locator('.composer input').press('Enter');
    await marco.locator('.composer-error', { hasText: '/away, /back and /dispatch' }).waitFor();
    expect(await marco.locator('.composer input').inputValue()).toBe('/awya 2h');
    expect(await page.locator('#sent').textContent()).not.toContain('/dispatch');
    await marco.locator('.composer input').fill('/away 2h showing 12 Elm St');
    await marco.locator('.composer input').press('Enter');
    await marco.locator('.item', { hasText: 'away until' }).waitFor();
    await marco.locator('.composer input').fill('/back');
    await marco.locator('.composer input').press('Enter');
    await marco.locator('.item', { hasText: 'Welcome back' }).waitFor();

    const priya = person('U0PRIYA01');
    await priya.locator('summary', { hasText: 'App Home' }).click();
    await priya.locator('.home button', { hasText: 'Away' }).click();
    const modal = page.locator('.modal');
    await modal.waitFor();
    expect(await modal.textContent()).toContain("Priya Nair's screen");
    // A time in the past is refused in the modal, as Slack shows a view's field errors.
    await modal.locator('input[type="date"]').fill('2026-11-20');
    await modal.locator('button', { hasText: 'Go away' }).click();
    await expect
      .poll(() => modal.locator('.error').allTextContents())
      .toEqual(['That time has already passed. Pick a later one.', '', '']);
    // Today at 8 AM has passed too, but it is the time that is wrong now: the date's error goes.
    await modal.locator('input[type="date"]').fill('2026-11-25');
    await modal.locator('input[type="time"]').fill('08:00');
    await modal.locator('button', { hasText: 'Go away' }).click();
    await expect
      .poll(() => modal.locator('.error').allTextContents())
      .toEqual(['', 'That time has already passed. Pick a later one.', '']);
    await modal.locator('input[type="time"]').fill('');
    await modal.locator('input[type="date"]').fill('2026-11-27');
    await modal.locator('input[type="text"]').fill('closing <on Oak Ave> & co');
    await modal.locator('button', { hasText: 'Go away' }).click();
    await modal.waitFor({ state: 'detached' });
    // The reason is shown as text, never as markup.
    await priya.locator('.item', { hasText: 'closing <on Oak Ave> & co' }).waitFor();
    // The App Home shows her away; its Back button brings her back, and the team status says so.
    await priya
      .locator('.home', { hasText: 'Away until' })
      .or(priya.locator('.home', { hasText: 'away until' }))
      .waitFor();
    await priya.locator('.home button', { hasText: 'Back' }).click();
    await priya.locator('.home', { hasText: "You're available" }).waitFor();
    const lee = person('U0LEE0001');
    await lee.locator('.composer input').fill('/dispatch who');
    await lee.locator('.composer input').press('Enter');
    await lee.locator('.item.ephemeral', { hasText: 'Priya Nair' }).waitFor();
    // Typed in # leaders, it is answered there, and only to whoever typed it.
    await leaders().locator('select.acting').selectOption('U0LEE0001');
    await leaders().locator('.composer input').fill('/dispatch who');
    await leaders().locator('.composer input').press('Enter');
    await leaders().locator('.item.ephemeral', { hasText: 'Priya Nair' }).waitFor();
    await leaders().locator('select.acting').selectOption('U0MARCO01');
    await leaders().locator('.item.ephemeral').waitFor({ state: 'detached' });
    await leaders().locator('select.acting').selectOption('U0LEE0001');
    await leaders().locator('.item.ephemeral', { hasText: 'Priya Nair' }).waitFor();
  }, 40_000);

  it('draws mrkdwn as Slack does: marks only at word boundaries, bare URLs as links', async () => {
    await page.goto(url);
    const text =
      'Mary_Jo sent file_name_here.pdf, 2*3*4 rooms, *Claimed* _now_; see https://ex.com/a_b?x=1&amp;y=2.';
    // As a string: the test runner would rewrite an import() written in a function.
    const html = await page.evaluate(`import('/block-kit.js').then((kit) => {
      const div = document.createElement('div');
      div.append(...kit.mrkdwn(${JSON.stringify(text)}));
      return div.innerHTML;
    })`);
    expect(html).toBe(
      'Mary_Jo sent file_name_here.pdf, 2*3*4 rooms, <strong>Claimed</strong> <em>now</em>; see ' +
        '<a href="https://ex.com/a_b?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">' +
        'https://ex.com/a_b?x=1&amp;y=2</a>.',
    );
  });

  it('shows the clock with its date, and a deadline`s weekday when it is not today', async () => {
    await page.goto(url);
    await expect
      .poll(() => page.locator('#now').textContent())
      .toMatch(/^\w{3}, \w{3} \d+, \d+:\d\d:\d\d [AP]M/);
    const times = await page.evaluate(`import('/time.js').then((t) => {
      const now = new Date('2026-11-25T16:40:00Z');
      const at = (iso) => t.deadlineTime(new Date(iso), now, 'America/Chicago');
      return [at('2026-11-25T17:00:00Z'), at('2026-11-26T17:00:00Z'), at('2026-12-05T17:00:00Z')];
    })`);
    expect(times).toEqual(['11:00 AM', 'Thu 11:00 AM', 'Sat, Dec 5, 11:00 AM']);
  });

  it('works Pass and its reasons, Mark contacted, Timeline, and Take it and Back to the pool on leads sent as free JSON', async () => {
    await page.goto(url);
    await page.locator('[data-example="zillow"]').click();
    // The third Zillow send is a new person; whoever of Dana and Priya is next gets the offer.
    const offer = page.locator('[data-person] .conversation > .item', { hasText: 'Omar Buyer' });
    await offer.waitFor();
    const first = await offer.locator('xpath=ancestor::section[@data-person]').getAttribute('data-person');
    expect(['U0DANA001', 'U0PRIYA01']).toContain(first);
    await offer.locator('button', { hasText: 'Pass' }).click();
    await offer.locator('text=You passed').waitFor();
    await offer.locator('button', { hasText: 'Wrong area' }).click();
    await offer.locator('text=(Wrong area)').waitFor();

    // The ISA is the rule's backup: she claims, marks it contacted and reads its timeline.
    const ivy = dm('U0IVY0001', 'Omar Buyer');
    await ivy.locator('button', { hasText: 'Claim' }).click();
    await ivy.locator('button', { hasText: 'Mark contacted' }).click();
    await ivy.locator('text=Marked contacted').waitFor();
    await ivy.locator('button', { hasText: 'Timeline' }).click();
    await person('U0IVY0001').locator('.item.ephemeral', { hasText: 'Timeline of' }).waitFor();

    // A lead no rule matches goes to the leaders; the JSON is shown as text however it is written.
    await page.locator('summary', { hasText: 'Free JSON' }).click();
    await page
      .locator('#lead-json')
      .fill('{"source":"billboard","externalId":"b-1","firstName":"<b>Zed</b>","phone":"(512) 555-0188"}');
    await page.locator('#send-json').click();
    const review = leaders().locator('.conversation > .item', { hasText: '<b>Zed</b>' });
    await review.waitFor();
    expect(await leaders().locator('.conversation b').count()).toBe(0);
    await review.locator('button', { hasText: 'Take it' }).click();
    await review.locator('text=took it').waitFor();
    await page.locator('#lead-json').fill('{"source":"billboard","externalId":"b-2","firstName":"Yara"}');
    await page.locator('#send-json').click();
    const second = leaders().locator('.conversation > .item', { hasText: 'Yara' });
    await second.locator('button', { hasText: 'Back to the pool' }).click();
    await second.locator('text=sent it back to the pool').waitFor();
  }, 40_000);

  it('says so when the demo stops, and its clock stops ticking', async () => {
    await page.goto(url);
    await person('U0DANA001').waitFor();
    expect(await page.locator('#stopped').isVisible()).toBe(false);
    demo?.kill('SIGTERM');
    await page.locator('#stopped').waitFor();
    expect(await page.locator('#stopped').textContent()).toContain('The demo has stopped');
    const shown = await page.locator('#now').textContent();
    await page.waitForTimeout(1100);
    expect(await page.locator('#now').textContent()).toBe(shown);
  });
});
