/** Back-office contacts (API key): list and search, get with their threads, update attributes. */
import { Hono } from 'hono';
import {
  ContactListQuery,
  ContactPage,
  ContactPatchBody,
  ContactResource,
  ContactWithThreads,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  MAX_CONTACT_ATTRIBUTES,
  MAX_PAGE_SIZE,
} from '@causette/shared';
import type { AppEnv, Services } from '../env.js';
import { jsonError, readBody, readQuery, statusOf } from '../errors.js';
import { decodeCursor, keysetPage, param } from '../bridge-util.js';
import { contactResource, threadResource } from '../resources.js';
import { mount, op } from '../openapi/spec.js';
import type { ContactFilter, ContactPatch } from '../../store/store.js';

export const contactSpecs = {
  list: op({
    method: 'get',
    path: '/v1/contacts',
    tag: 'contacts',
    summary: 'List or search contacts',
    description:
      'Newest first. `q` matches a substring of name, email or external id (case-insensitive). ' +
      'Anonymous contacts merged into an identified one are not listed.',
    auth: 'apiKey',
    query: ContactListQuery,
    responses: { 200: { description: 'A page of contacts', schema: ContactPage } },
  }),
  get: op({
    method: 'get',
    path: '/v1/contacts/{id}',
    tag: 'contacts',
    summary: 'Get a contact with their threads',
    auth: 'apiKey',
    responses: {
      200: { description: 'The contact and up to 100 threads', schema: ContactWithThreads },
    },
  }),
  patch: op({
    method: 'patch',
    path: '/v1/contacts/{id}',
    tag: 'contacts',
    summary: 'Update name, email or attributes',
    description:
      'Attributes are merged (at most 50 per contact); a `null` value removes the key. ' +
      'Emits `contact.updated`.',
    auth: 'apiKey',
    body: ContactPatchBody,
    responses: { 200: { description: 'The updated contact', schema: ContactResource } },
  }),
};

export function bridgeContactRoutes(s: Services) {
  const r = new Hono<AppEnv>();

  mount(r, s, contactSpecs.list, async (c) => {
    const q = readQuery(c, ContactListQuery);
    if (!q.ok) return jsonError(c, 400, q.code, q.message);
    const limit = q.value.limit ?? DEFAULT_PAGE_SIZE;
    const f: ContactFilter = { limit: limit + 1 };
    if (q.value.q !== undefined) f.q = q.value.q;
    if (q.value.identified !== undefined) f.identified = q.value.identified === 'true';
    if (q.value.cursor !== undefined) {
      const cur = decodeCursor(q.value.cursor);
      if (!cur) return jsonError(c, 400, ErrorCode.ValidationFailed, 'cursor: invalid cursor');
      f.after = { createdAt: cur.time, id: cur.id };
    }
    const rows = await s.store.listContacts(c.var.appId, f);
    return c.json(keysetPage(rows, limit, contactResource, (r) => r.createdAt));
  });

  mount(r, s, contactSpecs.get, async (c) => {
    const contact = await s.store.getContact(c.var.appId, param(c, 'id'));
    if (!contact || contact.mergedInto !== null)
      return jsonError(c, 404, ErrorCode.NotFound, 'contact not found');
    const threads = await s.store.listThreads(c.var.appId, {
      contactId: contact.id,
      limit: MAX_PAGE_SIZE,
    });
    return c.json({ ...contactResource(contact), threads: threads.map(threadResource) });
  });

  mount(r, s, contactSpecs.patch, async (c) => {
    const body = await readBody(c, ContactPatchBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const patch: ContactPatch = {};
    if (body.value.name !== undefined) patch.name = body.value.name;
    if (body.value.email !== undefined) patch.email = body.value.email;
    if (body.value.attributes !== undefined) {
      patch.attributes = body.value.attributes;
      const cur = await s.store.getContact(c.var.appId, param(c, 'id'));
      if (cur) {
        const keys = new Set(Object.keys(cur.attributes));
        for (const [k, val] of Object.entries(patch.attributes)) {
          if (val === null) keys.delete(k);
          else keys.add(k);
        }
        if (keys.size > MAX_CONTACT_ATTRIBUTES) {
          const msg = `attributes: at most ${MAX_CONTACT_ATTRIBUTES} per contact`;
          return jsonError(c, 400, ErrorCode.ValidationFailed, msg);
        }
      }
    }
    const updated = await s.store.updateContact(c.var.appId, param(c, 'id'), patch);
    if (!updated) return jsonError(c, 404, ErrorCode.NotFound, 'contact not found');
    s.webhooks.wake();
    return c.json(contactResource(updated));
  });

  return r;
}
