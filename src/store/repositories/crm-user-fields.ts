/** Custom fields of CRM records: their declarations and their values (see migration 020). */
import type { CrmUserFieldTable } from '../schema.js';
import type { Executor } from '../store.js';

export type UserFieldRow = Omit<CrmUserFieldTable, 'id'> & { id: number };

export interface UserFieldValue {
  elementId: number;
  fieldName: string;
  value: string;
}

export class CrmUserFieldRepository {
  constructor(private readonly db: Executor) {}

  /** The fields of an owner (`CRM_DEAL`), in their order. */
  async fields(entityId: string): Promise<UserFieldRow[]> {
    return this.db
      .selectFrom('crm_user_field')
      .selectAll()
      .where('entity_id', '=', entityId)
      .orderBy('sort')
      .orderBy('id')
      .execute();
  }

  async addField(row: Omit<UserFieldRow, 'id'>): Promise<number> {
    const { id } = await this.db.insertInto('crm_user_field').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** The values of these records' custom fields, each field's in the order they were set. */
  async values(entityId: string, elementIds: readonly number[]): Promise<UserFieldValue[]> {
    if (elementIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('crm_user_field_value')
      .select(['element_id', 'field_name', 'value'])
      .where('entity_id', '=', entityId)
      .where('element_id', 'in', elementIds)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ elementId: Number(r.element_id), fieldName: r.field_name, value: r.value }));
  }

  /** Replaces a record's values of one field (none: the field is empty). */
  async setValues(entityId: string, elementId: number, fieldName: string, values: readonly string[]): Promise<void> {
    await this.db
      .deleteFrom('crm_user_field_value')
      .where('entity_id', '=', entityId)
      .where('element_id', '=', elementId)
      .where('field_name', '=', fieldName)
      .execute();
    if (values.length === 0) return;
    await this.db
      .insertInto('crm_user_field_value')
      .values(values.map((value) => ({ entity_id: entityId, element_id: elementId, field_name: fieldName, value })))
      .execute();
  }

  /** Every value of a deleted record. */
  async removeValues(entityId: string, elementId: number): Promise<void> {
    await this.db
      .deleteFrom('crm_user_field_value')
      .where('entity_id', '=', entityId)
      .where('element_id', '=', elementId)
      .execute();
  }
}
