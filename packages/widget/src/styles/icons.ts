/** Launcher icons (static SVG path data, no user content). */

/** Chat-bubble icon of the closed launcher (static SVG markup, no user content). */
export const chatIcon =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
/** Cross icon of the open launcher. */
export const closeIcon =
  'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';
