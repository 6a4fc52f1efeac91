/**
 * A record's pipeline and stage, as the CRM checks them on every write of a deal or of a smart
 * process's item: a pipeline that does not exist is the default one on the classic methods and
 * refused on crm.item.*; a stage outside the record's pipeline is its first stage on add and no
 * change on update (crm.item.* refuses both). crm.item.update may move a record to another
 * pipeline: its stage is then the given one of that pipeline, or its first. The stage's
 * semantics close the record (S won, F lost) or keep it open (P).
 */
import { errors } from '../../rest/errors.js';
import type { CrmEntityDeclaration } from '../engine/entity.js';
import { DEAL, readList, readPipelines, stageListOf } from './reference.js';

export function pipelineCheck(entityTypeId: number): NonNullable<CrmEntityDeclaration['prepare']> {
  return async (repos, columns, write) => {
    const refuse = write.face === 'item';
    const categories = await readPipelines(repos, entityTypeId);
    const fallback = categories.find((c) => c.is_default === 'Y')?.id ?? 0;
    // An empty pipeline (`categoryId: 0` is empty to PHP) is the default one.
    const asked =
      columns.category_id === undefined
        ? undefined
        : columns.category_id === null
          ? fallback
          : Number(columns.category_id);
    const stored = write.isNew ? undefined : Number(write.stored.category_id ?? fallback);
    // crm.item.update moves a record to another pipeline (the classic update never sends one).
    const moving = !write.isNew && asked !== undefined && asked !== stored;
    let categoryId = write.isNew ? (asked ?? fallback) : moving ? (asked as number) : (stored as number);
    if ((write.isNew || moving) && !categories.some((c) => c.id === categoryId)) {
      if (refuse) throw errors.crmFieldValueNotValid('Pipeline');
      categoryId = fallback;
    }
    const given = columns.stage_id !== undefined && columns.stage_id !== null;
    if (!write.isNew && !moving && columns.stage_id === undefined) return { ...columns, category_id: categoryId };
    const stages = await readList(repos, stageListOf(entityTypeId, categoryId));
    let stage = stages.find((s) => s.status_id === columns.stage_id);
    if (!stage && refuse && given) throw errors.crmFieldValueNotValid('Stage');
    if (!stage && !write.isNew && !moving) {
      const { stage_id: _ignored, ...rest } = columns;
      return rest;
    }
    stage ??= stages[0];
    const semantics = stage?.semantics ?? 'P';
    const moved =
      write.isNew || stage?.status_id === write.stored.stage_id
        ? {}
        : {
            // Deals keep no previous stage (crm.deal.* has no such field).
            ...(entityTypeId !== DEAL && { previous_stage_id: write.stored.stage_id }),
            moved_by_id: columns.modify_by_id,
            moved_time: columns.date_modify,
          };
    return {
      ...columns,
      category_id: categoryId,
      ...(stage && { stage_id: stage.status_id }),
      ...moved,
      ...(entityTypeId === DEAL && { stage_semantic_id: semantics, closed: semantics === 'P' ? 'N' : 'Y' }),
    };
  };
}

/**
 * A lead's status, as a deal's stage without pipelines: one of the `STATUS` list; on add an
 * unknown one is the first, on update no change (crm.item.* refuses both). Its semantics set
 * STATUS_SEMANTIC_ID, and a final one (converted, junk) DATE_CLOSED.
 */
export const leadStatusCheck: NonNullable<CrmEntityDeclaration['prepare']> = async (repos, columns, write) => {
  if (!write.isNew && columns.status_id === undefined) return columns;
  const statuses = await readList(repos, 'STATUS');
  let status = statuses.find((s) => s.status_id === columns.status_id);
  const given = columns.status_id !== undefined && columns.status_id !== null;
  if (!status && write.face === 'item' && given) throw errors.crmFieldValueNotValid('Stage');
  if (!status && !write.isNew) {
    const { status_id: _ignored, ...rest } = columns;
    return rest;
  }
  status ??= statuses[0];
  const semantics = status?.semantics ?? 'P';
  const moved =
    write.isNew || status?.status_id === write.stored.status_id
      ? {}
      : { moved_by_id: columns.modify_by_id, moved_time: columns.date_modify };
  return {
    ...columns,
    ...(status && { status_id: status.status_id }),
    status_semantic_id: semantics,
    date_closed: semantics === 'P' ? null : (columns.date_modify ?? null),
    ...moved,
  };
};
