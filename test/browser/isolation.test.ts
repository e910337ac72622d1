// The widget and the brand's page leave each other alone: hostile page CSS cannot break the
// widget, the widget adds no global CSS or names, and message content can never run script.
import { describe, expect, it } from 'vitest';
import {
  mounted,
  newContext,
  openPanel,
  screenshot,
  sendMessage,
  threadIdOf,
  widget,
  useStack,
} from './harness.js';

const env = useStack();

const HOSTILE_CSS = `<style>
  * { all: unset; }
  html { font-size: 5px; }
  html, body { display: block; font: 40px/3 Impact, serif; color: lime; letter-spacing: 6px; text-transform: uppercase; visibility: visible; }
  button { display: none; } textarea { font-size: 8px; }
  div, button, span, p, ol, li, textarea { z-index: 1 !important; transform: scale(1.3); }
  .cover { display: block; position: fixed; inset: 0 50% 50% 0; z-index: 2147483647; background: rgba(255,0,0,.2); }
  .tall { display: block; position: relative; z-index: 999999999; height: 3000px; }
</style>`;

describe('isolation from the host page', () => {
  it('keeps working on a page with `* { all: unset }` and huge z-index elements', async () => {
    const { context, page, errors } = await newContext(env.browser);
    await page.goto(
      env.stack.page('hostile', {
        head: HOSTILE_CSS,
        body: '<div class="cover"></div><div class="tall">tall content</div>',
      }),
    );
    const w = widget(page);
    await mounted(page);
    const box = (await w.launcher.boundingBox())!;
    expect(box.width).toBe(56);
    expect(box.height).toBe(56);
    expect(box.x + box.width).toBe(1280 - 20);
    expect(box.y + box.height).toBe(800 - 20);

    // A real click at the launcher's centre: Playwright fails it if anything covers the button.
    await openPanel(page);
    const panel = (await w.panel.boundingBox())!;
    expect(panel.width).toBe(380);
    expect(await w.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    await sendMessage(page, 'Still works');
    await screenshot(page, 'hostile-page');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds no global name but Causette and no style to the page', async () => {
    const { context, page } = await newContext(env.browser);
    await page.addInitScript(() => {
      (window as unknown as { __before: string[] }).__before = Object.keys(window);
    });
    await page.goto(env.stack.page('globals'));
    const h1Before = await page.locator('h1').evaluate((el) => getComputedStyle(el).fontSize);
    await openPanel(page);
    await sendMessage(page, 'Hi');
    const added = await page.evaluate(() =>
      Object.keys(window).filter(
        (k) => !(window as unknown as { __before: string[] }).__before.includes(k),
      ),
    );
    expect(added.filter((k) => k !== '__before')).toEqual(['Causette']);
    expect(await page.evaluate(() => document.styleSheets.length)).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('style,link').length)).toBe(0);
    expect(await page.locator('h1').evaluate((el) => getComputedStyle(el).fontSize)).toBe(h1Before);
    await context.close();
  });
});

describe('hostile message content', () => {
  it('renders markup and javascript: links from an agent as inert text', async () => {
    const { context, page, dialogs, errors } = await newContext(env.browser);
    await page.goto(env.stack.page('xss'));
    const w = widget(page);
    await openPanel(page);
    await sendMessage(page, 'Show me something');
    const threadId = await threadIdOf(page);

    await env.stack.agentReply(threadId, '<img src=x onerror=alert(1)> <script>alert(2)</script>');
    await env.stack.agentReply(
      threadId,
      'Click javascript:alert(3) or [here](javascript:alert(4)) or https://example.com/safe',
      { name: '<b onmouseover=alert(5)>Eve</b>' },
    );
    const bubbles = w.bubbles.filter({ hasText: 'Click' });
    await bubbles.waitFor();
    await w.bubbles.filter({ hasText: '<img src=x onerror=alert(1)>' }).waitFor();

    const shadow = w.host;
    expect(await shadow.locator('li.r img').count()).toBe(0);
    expect(await shadow.locator('li.r script, li.r b').count()).toBe(0);
    const hrefs = await shadow
      .locator('li.r a')
      .evaluateAll((as) =>
        as.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]),
      );
    expect(hrefs).toEqual([['https://example.com/safe', 'noopener noreferrer', '_blank']]);
    await expect(bubbles.locator('.u').textContent()).resolves.toBe(
      'Click javascript:alert(3) or [here](javascript:alert(4)) or https://example.com/safe',
    );
    await expect(bubbles.locator('.n').textContent()).resolves.toBe(
      '<b onmouseover=alert(5)>Eve</b>',
    );

    // Hover and click everything in the log: still nothing may run.
    for (const el of await shadow.locator('li.r .u').all()) await el.hover();
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
