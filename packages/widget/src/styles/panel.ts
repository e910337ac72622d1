/**
 * Panel styles. Colours are custom properties so a brand can theme the widget from its own
 * stylesheet (`:root { --causette-accent: #e11d48 }`): custom properties inherit into the
 * shadow root, nothing else from the page does. Muted text, bubbles and lines are mixed
 * from --causette-fg and --causette-bg, so two colours make a whole theme. Logical properties make RTL mirror for free.
 * Kept terse on purpose: every byte here ships to every visitor (size budget, issue 4).
 */
export const panelCss = `
.z{--bg:var(--causette-bg,#fff);--fg:var(--causette-fg,#111827);--mu:color-mix(in srgb,var(--fg) 72%,var(--bg));--bu:color-mix(in srgb,var(--fg) 8%,var(--bg));--ln:color-mix(in srgb,var(--fg) 22%,var(--bg));--ac:var(--causette-accent,#4f46e5);--at:var(--causette-accent-text,#fff);--r:#b91c1c;font:15px/1.45 system-ui,sans-serif;color:var(--fg)}
.z[data-theme=dark]{--bg:var(--causette-bg,#111827);--fg:var(--causette-fg,#f9fafb);--r:#fca5a5}
.p *{box-sizing:border-box;font:inherit;color:inherit}
.b,.tl em{min-width:20px;padding:0 5px;border-radius:10px;background:#b91c1c;color:#fff;font:700 12px/20px sans-serif;text-align:center}
.b{position:absolute;top:-4px;right:-4px}
.p{position:fixed;z-index:var(--causette-z,2147483647);bottom:calc(var(--causette-bottom,20px) + 68px + env(safe-area-inset-bottom));right:calc(var(--causette-side,20px) + env(safe-area-inset-right));width:380px;max-width:calc(100vw - 24px);height:min(620px,100vh - 120px);display:flex;flex-direction:column;background:var(--bg);border-radius:14px;box-shadow:0 10px 40px #0005;overflow:hidden}
.left .p{right:auto;left:calc(var(--causette-side,20px) + env(safe-area-inset-left))}
@media (max-width:480px),(max-height:520px){.z .p{inset:0;width:auto;max-width:none;height:auto;border-radius:0;padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left)}.open .l{display:none}}
.h{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--ac);color:var(--at)}
.h h2{margin:0;font-size:17px;font-weight:600}
.h p{margin:0;font-size:13px}
.h div{flex:1}
button{cursor:pointer;border:0;background:none;padding:0}
.i{width:40px;height:40px;border-radius:8px;font-size:24px}
:focus-visible{outline:3px solid var(--causette-focus,#f59e0b)}
.o{margin:0;padding:8px 14px;background:#fef3c7;color:#713f12;font-size:13px}
.m,.tl{flex:1;overflow-y:auto;margin:0;padding:8px 14px;list-style:none}
.d{text-align:center;color:var(--mu);font-size:12px;margin:12px 0 6px}
.r{display:flex;gap:8px;align-items:flex-end;margin:6px 0}
.me{flex-direction:row-reverse}
.a{flex:none;width:30px;height:30px;border-radius:50%;background:var(--ln);font-size:13px;display:grid;place-items:center;object-fit:cover}
.w{max-width:78%;display:flex;flex-direction:column;align-items:flex-start}
.me .w{align-items:flex-end}
.n,.t{font-size:12px;color:var(--mu);margin:0 4px}
.u{padding:8px 12px;border-radius:16px;background:var(--bu);white-space:pre-wrap;overflow-wrap:anywhere}
.me .u{background:var(--ac);color:var(--at)}
.pending .u{opacity:.75}
.failed .u{outline:2px solid var(--r)}
.f{color:var(--r)}
.k{text-decoration:underline}
.g{color:var(--mu);margin:8px 0;white-space:pre-wrap}
.y{padding:0 14px;min-height:20px;color:var(--mu);font-size:13px}
.c{display:flex;gap:8px;padding:10px;border-top:1px solid var(--ln)}
textarea,input{flex:1;resize:none;padding:10px 12px;border:1px solid var(--mu);border-radius:12px;background:var(--bg);font-size:16px!important}
.s,.btn{min-height:44px;padding:0 16px;border-radius:12px;background:var(--ac);color:var(--at);font-weight:600}
.tl button{display:block;width:100%;text-align:start;border-bottom:1px solid var(--ln);padding:10px 4px}
.tl small{display:block;color:var(--mu);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tl em{float:right;font-style:normal}
.e{padding:12px 14px}
.pc{flex:1;padding:16px;display:flex;flex-direction:column;gap:12px}
.pc label{display:flex;flex-direction:column;gap:4px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
