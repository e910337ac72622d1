// Accessibility and languages in a real env.browser: axe-core on the open panel (light and
// dark), a keyboard-only conversation, and French / Arabic (right-to-left) strings.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  axeSource,
  newContext,
  openPanel,
  screenshot,
  sendMessage,
  threadIdOf,
  widget,
  useStack,
} from './harness.js';

const env = useStack();

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** Run axe-core inside the page on the widget's open panel (inside its shadow root). */
async function audit(page: Page): Promise<{ violations: AxeViolation[]; passes: number }> {
  await page.addScriptTag({ content: axeSource() });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe;
    const r = (await axe.run(
      { include: [{ fromShadowDom: ['[data-causette]', '[role="dialog"]'] }] },
      { resultTypes: ['violations'] },
    )) as { violations: AxeViolation[]; passes: unknown[] };
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target })),
      })),
    };
  });
}

/** The element focused inside the widget's shadow root ('' when focus is elsewhere). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-causette]')?.shadowRoot;
    const el = root?.activeElement;
    if (!el) return '';
    return `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}`;
  });

describe('accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe violations in the open panel (${colorScheme})`, async () => {
      const { context, page } = await newContext(env.browser, { colorScheme });
      await page.goto(env.stack.page(`axe-${colorScheme}`));
      await openPanel(page);
      await sendMessage(page, 'A question about https://example.com/pricing');
      await env.stack.agentReply(await threadIdOf(page), 'An answer', {
        name: 'Ana',
        avatarUrl: 'https://example.com/ana.png',
      });
      await widget(page).bubbles.filter({ hasText: 'An answer' }).waitFor();
      await screenshot(page, `panel-${colorScheme}`);
      const { violations, passes } = await audit(page);
      // The audit reached into the shadow root: contrast, names, roles... were checked.
      expect(passes).toBeGreaterThan(10);
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
      await context.close();
    });
  }

  it('can be used with the keyboard alone', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('keyboard'));
    const w = widget(page);
    await w.launcher.waitFor();

    // Tab through the page until the launcher has focus.
    for (let i = 0; i < 10 && (await focused(page)) !== 'button.l'; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focused(page)).toBe('button.l');
    await page.keyboard.press('Enter');
    await w.panel.waitFor();
    await expect.poll(() => focused(page)).toBe('textarea');
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('true');

    await page.keyboard.type('Typed with the keyboard');
    await page.keyboard.press('Enter');
    await w.bubbles
      .filter({ hasText: 'Typed with the keyboard' })
      .locator('.t', { hasText: 'Sent' })
      .waitFor();

    // Focus stays trapped in the panel, both ways.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(
        await w.panel.evaluate((p) =>
          p.contains(
            p.getRootNode() instanceof ShadowRoot
              ? (p.getRootNode() as ShadowRoot).activeElement
              : null,
          ),
        ),
      ).toBe(true);
    }
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(
        await w.panel.evaluate((p) => p.contains((p.getRootNode() as ShadowRoot).activeElement)),
      ).toBe(true);
    }

    // Escape closes and gives focus back to the launcher.
    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button.l');
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  });

  it('announces agent replies in a polite live region', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('live'));
    await openPanel(page);
    await sendMessage(page, 'Anyone?');
    await env.stack.agentReply(await threadIdOf(page), 'Yes, Ana here', { name: 'Ana' });
    const live = widget(page).host.locator('[aria-live="polite"]');
    await expect.poll(() => live.textContent()).toBe('New message from Ana: Yes, Ana here');
    await context.close();
  });
});

describe('languages', () => {
  it('speaks French when the page says so', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('fr', { data: { locale: 'fr' } }));
    const w = widget(page);
    await openPanel(page);
    await expect.poll(() => w.send.textContent()).toBe('Envoyer');
    expect(await w.input.getAttribute('placeholder')).toBe('Écrivez un message…');
    await context.close();
  });

  it('switches to Arabic with setLocale and lays the panel out right to left', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('rtl'));
    const w = widget(page);
    await openPanel(page);
    await sendMessage(page, 'Hello');
    await env.stack.agentReply(await threadIdOf(page), 'مرحبا', { name: 'Ana' });
    await w.bubbles.filter({ hasText: 'مرحبا' }).waitFor();

    await page.evaluate(() =>
      (window as unknown as { Causette: (...a: unknown[]) => void }).Causette('setLocale', 'ar'),
    );
    await expect.poll(() => w.send.textContent()).toBe('إرسال');
    const root = w.host.locator('.z');
    expect(await root.getAttribute('dir')).toBe('rtl');
    expect(await root.getAttribute('lang')).toBe('ar');
    // Own bubbles sit on the left in RTL, the agent's on the right.
    const mine = (await w.bubbles.filter({ hasText: 'Hello' }).locator('.u').boundingBox())!;
    const theirs = (await w.bubbles.filter({ hasText: 'مرحبا' }).locator('.u').boundingBox())!;
    expect(mine.x).toBeLessThan(theirs.x);
    await screenshot(page, 'panel-rtl');
    await context.close();
  });
});
