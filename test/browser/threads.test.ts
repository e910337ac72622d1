// Beyond one short conversation: several threads with a list and "new conversation", long
// histories paged in by scrolling up, and the optional pre-chat form.
import { describe, expect, it } from 'vitest';
import { newContext, openPanel, sendMessage, threadIdOf, widget, useStack } from './harness.js';

const env = useStack();

describe('threads and history', () => {
  it('lists conversations, starts a new one and goes back to an older one', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('threads'));
    const w = widget(page);
    await openPanel(page);
    await sendMessage(page, 'First conversation');
    const first = await threadIdOf(page);

    await w.host.locator('button[aria-label="All conversations"]').click();
    const items = w.host.locator('ul.tl > li');
    await expect.poll(() => items.count()).toBe(1);
    await w.host.locator('button.btn', { hasText: 'New conversation' }).click();
    await w.input.waitFor();
    expect(await w.bubbles.count()).toBe(0);
    await sendMessage(page, 'Second conversation');
    const second = await threadIdOf(page);
    expect(second).not.toBe(first);

    await w.host.locator('button[aria-label="All conversations"]').click();
    await expect.poll(() => items.count()).toBe(2);
    // Newest first.
    await expect(items.nth(0).textContent()).resolves.toContain('Second conversation');
    await items.nth(1).locator('button').click();
    await w.bubbles.filter({ hasText: 'First conversation' }).waitFor();
    expect(await threadIdOf(page)).toBe(first);
    await context.close();
  });

  it('loads older messages when the visitor scrolls up', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('history'));
    const w = widget(page);
    await openPanel(page);
    await sendMessage(page, 'Tell me everything');
    const threadId = await threadIdOf(page);
    for (let i = 1; i <= 70; i++) await env.stack.agentReply(threadId, `Fact number ${i}`);
    await page.reload();
    await openPanel(page);
    await w.bubbles.filter({ hasText: 'Fact number 70' }).waitFor();
    expect(await w.bubbles.count()).toBeLessThan(71);

    // Scroll to the top until the very first message is there.
    for (let i = 0; i < 10 && (await w.bubbles.count()) < 71; i++) {
      await w.log.evaluate((el) => (el.scrollTop = 0));
      await page.waitForTimeout(150);
    }
    expect(await w.bubbles.count()).toBe(71);
    await expect(w.bubbles.first().textContent()).resolves.toContain('Tell me everything');
    expect(await w.host.locator('li.g').first().textContent()).toContain('Ask us anything');
    await context.close();
  });

  it('asks the pre-chat questions when the app wants them and sends them along', async () => {
    const { appId, store } = env.stack.server;
    await store.updateApp(appId, {
      settings: { preChatForm: { enabled: true, fields: ['name', 'email'] } },
    });
    try {
      const { context, page } = await newContext(env.browser);
      await page.goto(env.stack.page('prechat'));
      const w = widget(page);
      await w.launcher.click();
      const form = w.host.locator('form.pc');
      await form.waitFor();
      await form.getByLabel('Name').fill('Zoé');
      await form.getByLabel('Email').fill('zoe@example.com');
      await form.locator('button[type=submit]').click();
      await sendMessage(page, 'Hello with my details');
      const stored = await env.stack.history(await threadIdOf(page));
      expect(stored[0]).toMatchObject({
        text: 'Hello with my details',
        metadata: { name: 'Zoé', email: 'zoe@example.com' },
      });
      await context.close();
    } finally {
      await store.updateApp(appId, { settings: { preChatForm: { enabled: false, fields: [] } } });
    }
  });
});
