/** @causette/widget: the Causette chat widget for apps that bundle their own code. */
export { mount } from './mount.js';
export type { WidgetController, WidgetEvents, WidgetOptions } from './options.js';
export type { ChatClient, LocalMessage, ThreadHandle, WidgetSettings } from './client.js';
export { locales, isRtl, type Strings } from './i18n/index.js';
export { en } from './i18n/en.js';
export { fr } from './i18n/fr.js';
export { ar } from './i18n/ar.js';
