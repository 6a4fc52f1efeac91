/**
 * Clients and external-data links as the booking module's REST methods carry them, and the
 * names of the CRM records they point at.
 */
import { batch } from './api';

export interface Client {
  id: number;
  type: { module: string; code: string };
}

export interface ExternalLink {
  moduleId: string;
  entityTypeId: string;
  value: string;
}

export type ClientNames = Map<string, string>;

export const clientKey = (client: Client) => `${client.type.code}:${client.id}`;

/** The names of the CRM contacts and companies among `clients`, by clientKey (one `batch` of 50). */
export async function clientNames(portal: string, clients: Client[]): Promise<ClientNames> {
  const names: ClientNames = new Map();
  const unique = [...new Map(clients.map((c) => [clientKey(c), c])).values()].filter(
    (c) => c.type.module === 'crm' && (c.type.code === 'CONTACT' || c.type.code === 'COMPANY'),
  );
  for (let at = 0; at < unique.length; at += 50) {
    const chunk = unique.slice(at, at + 50);
    const { result } = await batch(
      portal,
      Object.fromEntries(
        chunk.map((c, i) => [
          `c${i}`,
          { method: c.type.code === 'CONTACT' ? 'crm.contact.get' : 'crm.company.get', params: { id: c.id } },
        ]),
      ),
    );
    chunk.forEach((c, i) => {
      const record = result[`c${i}`] as Record<string, string | null> | undefined;
      if (!record) return;
      const name =
        c.type.code === 'CONTACT' ? [record.NAME, record.LAST_NAME].filter(Boolean).join(' ') : (record.TITLE ?? '');
      if (name) names.set(clientKey(c), name);
    });
  }
  return names;
}

/** `Ann Smith` or `Contact #3` when the name is not known. */
export function clientLabel(client: Client, names: ClientNames): string {
  const kind =
    client.type.code === 'COMPANY' ? 'Company' : client.type.code === 'CONTACT' ? 'Contact' : client.type.code;
  return names.get(clientKey(client)) ?? `${kind} #${client.id}`;
}

/** The CRM deal a link points at, if it is one (`crm` / `DEAL`, exact case, as the server reads it). */
export function linkedDealId(link: ExternalLink): number | undefined {
  if (link.moduleId !== 'crm' || link.entityTypeId !== 'DEAL') return undefined;
  const id = Number(link.value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** Rows of the clients editor (ui/rows.tsx) and back; rows without a whole id are left out. */
export const clientRows = (clients: Client[]) => clients.map((c) => ({ code: c.type.code, id: String(c.id) }));

export function clientsOfRows(rows: Record<string, string>[]): Client[] {
  return rows
    .filter((row) => /^\d+$/.test((row.id ?? '').trim()))
    .map((row) => ({ id: Number(row.id), type: { module: 'crm', code: row.code ?? 'CONTACT' } }));
}

export const linkRows = (links: ExternalLink[]) => links.map((l) => ({ ...l }));

export function linksOfRows(rows: Record<string, string>[]): ExternalLink[] {
  return rows
    .filter((row) => Object.values(row).some((v) => v.trim() !== ''))
    .map((row) => ({ moduleId: row.moduleId ?? '', entityTypeId: row.entityTypeId ?? '', value: row.value ?? '' }));
}
