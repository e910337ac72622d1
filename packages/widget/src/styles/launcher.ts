/**
 * Launcher styles, shared by the loader (which draws the button at once) and the widget
 * (which takes it over), so nothing moves when the lazy bundle arrives. `:host` rules are
 * !important because only important shadow rules beat a host page's `* { all: unset }`.
 */
export const launcherCss = `
:host{all:initial!important;display:block!important;position:static!important;visibility:visible!important}
.l{position:fixed;z-index:var(--causette-z,2147483647);bottom:calc(var(--causette-bottom,20px) + env(safe-area-inset-bottom));right:calc(var(--causette-side,20px) + env(safe-area-inset-right));width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:var(--causette-accent,#4f46e5);color:var(--causette-accent-text,#fff);box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;display:flex;align-items:center;justify-content:center}
.left .l{right:auto;left:calc(var(--causette-side,20px) + env(safe-area-inset-left))}
.l:focus-visible{outline:3px solid var(--causette-focus,#f59e0b);outline-offset:3px}
.l svg{width:28px;height:28px;fill:currentColor}
`;
