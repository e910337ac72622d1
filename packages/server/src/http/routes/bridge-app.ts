/** The app as the back office manages it (API key): widget settings and API keys. */
import { Hono } from 'hono';
import {
  newId,
  ApiKeyCreateBody,
  ApiKeyCreated,
  ApiKeyList,
  ErrorCode,
  SettingsPatchBody,
  SettingsResource,
} from '@causette/shared';
import type { AppEnv, Services } from '../env.js';
import { jsonError, readBody, statusOf } from '../errors.js';
import { param } from '../bridge-util.js';
import { apiKeyResource, settingsResource } from '../resources.js';
import { mount, op } from '../openapi/spec.js';
import { generateApiKey } from '../../auth/api-keys.js';
import type { AppPatch } from '../../store/store.js';

export const appSpecs = {
  getSettings: op({
    method: 'get',
    path: '/v1/settings',
    tag: 'app',
    summary: 'Get the app settings the widget shows',
    auth: 'apiKey',
    responses: { 200: { description: 'The settings', schema: SettingsResource } },
  }),
  patchSettings: op({
    method: 'patch',
    path: '/v1/settings',
    tag: 'app',
    summary: 'Update greeting, away message, expected reply time, pre-chat form, origins',
    auth: 'apiKey',
    body: SettingsPatchBody,
    responses: { 200: { description: 'The settings after the change', schema: SettingsResource } },
  }),
  listKeys: op({
    method: 'get',
    path: '/v1/api-keys',
    tag: 'app',
    summary: 'List API keys (never the keys themselves)',
    auth: 'apiKey',
    responses: { 200: { description: 'Every key of the app', schema: ApiKeyList } },
  }),
  createKey: op({
    method: 'post',
    path: '/v1/api-keys',
    tag: 'app',
    summary: 'Create an API key',
    description: 'The answer is the only time the key is shown: it is stored as a SHA-256 hash.',
    auth: 'apiKey',
    body: ApiKeyCreateBody,
    responses: { 201: { description: 'The new key', schema: ApiKeyCreated } },
  }),
  revokeKey: op({
    method: 'delete',
    path: '/v1/api-keys/{id}',
    tag: 'app',
    summary: 'Revoke an API key (takes effect on the next request)',
    auth: 'apiKey',
    responses: { 204: { description: 'Revoked' } },
  }),
};

export function bridgeAppRoutes(s: Services) {
  const r = new Hono<AppEnv>();

  mount(r, s, appSpecs.getSettings, async (c) => {
    const app = await s.store.getApp(c.var.appId);
    if (!app) return jsonError(c, 404, ErrorCode.NotFound, 'app not found');
    return c.json(settingsResource(app));
  });

  mount(r, s, appSpecs.patchSettings, async (c) => {
    const body = await readBody(c, SettingsPatchBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const { name, allowedOrigins, ...settings } = body.value;
    const patch: AppPatch = {};
    if (name !== undefined) patch.name = name;
    if (allowedOrigins !== undefined) patch.allowedOrigins = allowedOrigins;
    const rest = Object.fromEntries(Object.entries(settings).filter(([, x]) => x !== undefined));
    if (Object.keys(rest).length > 0) patch.settings = rest;
    const app = await s.store.updateApp(c.var.appId, patch);
    if (!app) return jsonError(c, 404, ErrorCode.NotFound, 'app not found');
    return c.json(settingsResource(app));
  });

  mount(r, s, appSpecs.listKeys, async (c) => {
    const keys = await s.store.listApiKeys(c.var.appId);
    return c.json({ data: keys.map(apiKeyResource) });
  });

  mount(r, s, appSpecs.createKey, async (c) => {
    const body = await readBody(c, ApiKeyCreateBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const k = generateApiKey();
    const id = newId();
    await s.store.createApiKey({
      id,
      appId: c.var.appId,
      name: body.value.name,
      prefix: k.prefix,
      hash: k.hash,
    });
    const created = (await s.store.listApiKeys(c.var.appId)).find((x) => x.id === id);
    if (!created) return jsonError(c, 500, ErrorCode.Internal, 'key not stored');
    return c.json({ ...apiKeyResource(created), key: k.key }, 201);
  });

  mount(r, s, appSpecs.revokeKey, async (c) => {
    const ok = await s.store.revokeApiKey(c.var.appId, param(c, 'id'));
    if (!ok) return jsonError(c, 404, ErrorCode.NotFound, 'API key not found');
    return c.body(null, 204);
  });

  return r;
}
