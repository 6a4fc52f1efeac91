/**
 * A list of linked records kept in a record's own JSON column, its first also in a single
 * column: a contact's companies (COMPANY_IDS, COMPANY_ID), a lead's contacts (CONTACT_IDS,
 * CONTACT_ID). The list field is virtual: the hooks here write and read it.
 */
import type { CrmRow } from '../../store/repositories/crm.js';
import type { Repositories } from '../../store/store.js';
import { boundIdsOf, columnOf } from './fields.js';

export interface IdList {
  /** After a write: the list the input names (the list field, else the single one), if any. */
  save(repos: Repositories, id: number, input: Record<string, unknown>): Promise<void>;
  /** The lists of these records, by record id, under the list field's name. */
  values(repos: Repositories, ids: readonly number[]): Promise<Map<number, Record<string, unknown>>>;
  /** A linked record deleted: it leaves every list; each record's single field moves on. */
  unbind(repos: Repositories, linkedId: number): Promise<void>;
}

/**
 * @param table the records' table
 * @param many the list field (`COMPANY_IDS`), stored in its column as JSON
 * @param one the single field (`COMPANY_ID`): the list's first
 */
export function idList(table: 'crm_contact' | 'crm_lead', many: string, one: string): IdList {
  const listColumn = columnOf(many);
  const column = columnOf(one);
  // A record from before the list was kept has its single field only.
  const listOf = (row: CrmRow): number[] => {
    const list = row[listColumn];
    if (typeof list === 'string') return JSON.parse(list) as number[];
    return row[column] === null || row[column] === undefined ? [] : [Number(row[column])];
  };
  const write = (repos: Repositories, id: number, ids: readonly number[]) =>
    repos.crm.update(table, id, { [listColumn]: JSON.stringify(ids), [column]: ids[0] ?? null });
  return {
    async save(repos, id, input) {
      const ids = boundIdsOf(input, many, one);
      if (ids !== undefined) await write(repos, id, ids);
    },
    async values(repos, ids) {
      const rows = await repos.crm.findMany(table, ids);
      return new Map(rows.map((row) => [row.id, { [many]: listOf(row) }]));
    },
    async unbind(repos, linkedId) {
      for (const row of await repos.crm.boundTo(table, listColumn, column, linkedId)) {
        await write(
          repos,
          row.id,
          listOf(row).filter((id) => id !== linkedId),
        );
      }
    },
  };
}
