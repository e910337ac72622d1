// The snippet as a brand pastes it: the launcher shows before the lazy bundle arrives,
// `Causette(...)` calls made early are queued and replayed, and small screens get a
// full-screen panel.
import { describe, expect, it } from 'vitest';
import { signIdentityToken } from '@causette/server';
import { newContext, openPanel, screenshot, sendMessage, widget, useStack } from './harness.js';

const env = useStack();

type Page = Awaited<ReturnType<typeof newContext>>['page'];
const call = (page: Page, ...args: unknown[]) =>
  page.evaluate(
    (a) => (window as unknown as { Causette: (...x: unknown[]) => unknown }).Causette(...a),
    args,
  );

describe('embedding with the snippet', () => {
  it('draws the launcher before the widget bundle loads, and loads it on the first click', async () => {
    const { context, page } = await newContext(env.browser);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let widgetRequested = false;
    await page.route('**/widget/widget.js', async (route) => {
      widgetRequested = true;
      await held;
      await route.continue();
    });
    await page.goto(env.stack.page('lazy'));
    const w = widget(page);
    await w.launcher.waitFor();
    expect(await w.panel.count()).toBe(0);
    await w.launcher.click();
    await expect.poll(() => widgetRequested).toBe(true);
    release();
    await w.panel.waitFor();
    await w.input.waitFor();
    await context.close();
  });

  it('replays commands queued before the loader ran, and reports events', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(
      env.stack.page('queued', {
        before: `
          window.seen = [];
          Causette('on', 'open', function () { seen.push('open'); });
          Causette('on', 'close', function () { seen.push('close'); });
          Causette('open');`,
      }),
    );
    const w = widget(page);
    await w.panel.waitFor();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen))
      .toEqual(['open']);
    await call(page, 'close');
    await w.panel.waitFor({ state: 'detached' });
    await call(page, 'toggle');
    await w.panel.waitFor();
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'open',
      'close',
      'open',
    ]);
    await context.close();
  });

  it('identifies the visitor with a JWT, so their conversation follows them to another device', async () => {
    const jwt = () =>
      signIdentityToken(
        { sub: 'user-42', name: 'Zoé', exp: Math.floor(Date.now() / 1000) + 600 },
        env.stack.server.identitySecret,
      );
    const laptop = await newContext(env.browser);
    await laptop.page.goto(env.stack.page('identify'));
    await openPanel(laptop.page);
    await call(laptop.page, 'identify', jwt());
    await sendMessage(laptop.page, 'Sent from my laptop');
    await laptop.context.close();

    const phone = await newContext(env.browser);
    await phone.page.goto(env.stack.page('identify'));
    await widget(phone.page).launcher.waitFor();
    await call(phone.page, 'identify', jwt());
    await openPanel(phone.page);
    await widget(phone.page).bubbles.filter({ hasText: 'Sent from my laptop' }).waitFor();
    await phone.context.close();
  });
});

describe('small screens', () => {
  it('opens a full-screen panel on a 375x667 phone with a 16px input', async () => {
    const { context, page } = await newContext(env.browser, {
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    await page.goto(env.stack.page('mobile'));
    const w = widget(page);
    await w.launcher.waitFor();
    await screenshot(page, 'launcher-mobile');
    await w.launcher.tap();
    await w.input.waitFor();
    expect(await w.panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    const fontSize = await w.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(16);
    // The launcher hides behind the full-screen panel; the panel has its own close button.
    expect(await w.launcher.isVisible()).toBe(false);
    await sendMessage(page, 'From my phone');
    await screenshot(page, 'panel-mobile');
    await w.host.locator('button.i[aria-label="Close"]').tap();
    await w.panel.waitFor({ state: 'detached' });
    await context.close();
  });
});
