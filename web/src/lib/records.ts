import { api, ok, type Contact } from './api/client';
import type { components } from './api/schema';

// Records a person looks up by name to link them to another — a deal's
// contacts and company, a ticket's contact and company (SPEC CRM-1..3).

/** A record as a picker shows it: its name, and what tells two apart. */
export type Pick = { id: number; label: string; detail?: string };

/** How to name, find and (for some) make one kind of record. */
export interface Lookup {
  name(id: number): Promise<Pick>;
  search(q: string): Promise<Pick[]>;
  create?: (name: string) => Promise<Pick>;
}

type Company = components['schemas']['CompanyJSON'];

export function companyPick(c: Company): Pick {
  return { id: c.id, label: c.name, detail: c.domain || undefined };
}

export function contactPick(c: Contact): Pick {
  const label = c.name || c.email || c.phone || `#${c.id}`;
  const detail = c.name ? c.email || c.phone : undefined;
  return { id: c.id, label, detail: detail || undefined };
}

export const companies: Lookup = {
  name: async (id) => companyPick(await ok(api.GET('/api/v1/companies/{id}', { params: { path: { id } } }))),
  search: async (q) => (await ok(api.GET('/api/v1/companies', { params: { query: { q, limit: 6 } } }))).items?.map(companyPick) ?? [],
  create: async (name) => companyPick(await ok(api.POST('/api/v1/companies', { body: { name } }))),
};

export const contacts: Lookup = {
  name: async (id) => contactPick(await ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } }))),
  search: async (q) => (await ok(api.GET('/api/v1/contacts', { params: { query: { q, limit: 6 } } }))).items?.map(contactPick) ?? [],
};
