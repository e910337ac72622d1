/** The demo page's HTML: the brand snippet with the default app id, and how to reply as an agent. */

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function demoPage(appId: string, widgetBuilt: boolean, origin: string): string {
  const id = esc(appId);
  const o = esc(origin);
  const snippet = widgetBuilt
    ? '<script>window.Causette = window.Causette || function () { (Causette.q = Causette.q || []).push(arguments) };</script>\n' +
      `<script src="/widget/loader.js" data-app-id="${id}" async></script>`
    : '<!-- widget not built: run pnpm build -->';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Causette demo</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
  code, pre { background: #f2f4f8; border-radius: 6px; padding: .1rem .3rem; }
  pre { padding: 1rem; overflow: auto; }
</style>
</head>
<body>
<h1>Causette demo</h1>
<p>This page embeds the Causette widget with the snippet below. Open it (bottom right), send a message,
then reply as an agent from a terminal.</p>
<h2>Snippet</h2>
<pre>${esc(snippet)}</pre>
<h2>Reply as an agent</h2>
<p>Use the API key printed when the server first started. List the threads (newest first), then post a
reply to one of them; it appears live in the widget:</p>
<pre>export KEY=csk_...   # printed once on first start
curl -s -H "Authorization: Bearer $KEY" ${o}/v1/threads
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\
  -d '{"text":"Hello from support!","author":{"name":"Ana"}}' \\
  ${o}/v1/threads/THREAD_ID/messages</pre>
<p>App id: <code>${id}</code></p>
${snippet}
</body>
</html>`;
}
