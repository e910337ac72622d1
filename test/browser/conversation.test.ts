// A visitor's conversation end to end, in chromium against the real server: open, send,
// live agent reply, history after reload, offline sending delivered exactly once.
import { describe, expect, it } from 'vitest';
import {
  newContext,
  openPanel,
  screenshot,
  sendMessage,
  threadIdOf,
  widget,
  useStack,
} from './harness.js';

const env = useStack();

describe('a visitor chatting with the widget', () => {
  it('opens, sends, sees the agent reply live, and finds the history after a reload', async () => {
    const { context, page, errors } = await newContext(env.browser);
    await page.goto(env.stack.page('conversation'));
    const w = widget(page);
    await w.launcher.waitFor();
    await screenshot(page, 'launcher');

    await openPanel(page);
    await sendMessage(page, 'Hello, is anyone there?');
    const threadId = await threadIdOf(page);

    await env.stack.agentReply(threadId, 'Hi! Ana here, how can I help?', { name: 'Ana' });
    const reply = w.bubbles.filter({ hasText: 'Ana here' });
    await reply.waitFor();
    await expect(reply.locator('.n').textContent()).resolves.toBe('Ana');
    await screenshot(page, 'panel-open');

    await page.reload();
    await openPanel(page);
    await w.bubbles.filter({ hasText: 'Ana here' }).waitFor();
    const texts = await w.bubbles.locator('.u').allTextContents();
    expect(texts).toEqual(['Hello, is anyone there?', 'Hi! Ana here, how can I help?']);
    expect(await threadIdOf(page)).toBe(threadId);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows an unread badge on the launcher and in the title while the panel is closed', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('badge', { before: "Causette('init',{titleBadge:true});" }));
    const w = widget(page);
    await openPanel(page);
    await sendMessage(page, 'Ping');
    const threadId = await threadIdOf(page);
    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'detached' });

    await env.stack.agentReply(threadId, 'Pong 1');
    await env.stack.agentReply(threadId, 'Pong 2');
    await expect.poll(() => w.badge.textContent()).toBe('2');
    await expect.poll(() => page.title()).toBe('(2) Brand page');
    expect(await w.launcher.getAttribute('aria-label')).toContain('2 unread');

    await w.launcher.click();
    await w.bubbles.filter({ hasText: 'Pong 2' }).waitFor();
    await expect.poll(() => page.title()).toBe('Brand page');
    await context.close();
  });

  it('keeps a message typed offline and delivers it exactly once when back online', async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('offline'));
    const w = widget(page);
    await openPanel(page);
    await sendMessage(page, 'Before going offline');
    const threadId = await threadIdOf(page);

    await context.setOffline(true);
    await w.banner.waitFor();
    await w.input.fill('Written while offline');
    await w.input.press('Enter');
    const pending = w.bubbles.filter({ hasText: 'Written while offline' });
    await pending.locator('.t', { hasText: 'Sending' }).waitFor();

    await context.setOffline(false);
    await pending.locator('.t', { hasText: 'Sent' }).waitFor({ timeout: 20_000 });
    await w.banner.waitFor({ state: 'detached' });

    const stored = await env.stack.history(threadId);
    expect(stored.filter((m) => m.text === 'Written while offline')).toHaveLength(1);
    expect(stored.map((m) => m.text)).toEqual(['Before going offline', 'Written while offline']);
    await context.close();
  });

  it("shows the agent typing, then read marks on the visitor's messages", async () => {
    const { context, page } = await newContext(env.browser);
    await page.goto(env.stack.page('typing'));
    const w = widget(page);
    await openPanel(page);
    const mine = await sendMessage(page, 'Are you reading this?');
    const threadId = await threadIdOf(page);
    const typing = w.host.locator('.y');

    expect(
      await env.stack.agentPost(`/v1/threads/${threadId}/typing`, {
        on: true,
        author: { name: 'Ana' },
      }),
    ).toBe(204);
    await expect.poll(() => typing.textContent()).toBe('Ana is typing…');
    await env.stack.agentPost(`/v1/threads/${threadId}/typing`, { on: false });
    await expect.poll(() => typing.textContent()).toBe('');

    expect(await env.stack.agentPost(`/v1/threads/${threadId}/read`, { seq: 1 })).toBe(200);
    await mine.locator('.t', { hasText: 'Read' }).waitFor();
    await context.close();
  });
});
