/**
 * A record's pipeline and stage, as the CRM checks them on every write of a deal or of a smart
 * process's item: a pipeline that does not exist is the default one on the classic methods and
 * refused on crm.item.*; a stage outside the record's pipeline is its first stage on add and no
 * change on update (crm.item.* refuses both). The stage's semantics close the record (S won,
 * F lost) or keep it open (P).
 */
import { errors } from '../../rest/errors.js';
import type { CrmEntityDeclaration } from '../engine/entity.js';
import { categoriesOf, DEAL, readReference, stagesOf } from './reference.js';

export function pipelineCheck(entityTypeId: number): NonNullable<CrmEntityDeclaration['prepare']> {
  return async (repos, columns, write) => {
    const reference = await readReference(repos);
    const refuse = write.face === 'item';
    const categories = categoriesOf(reference, entityTypeId);
    const fallback = categories.find((c) => c.is_default === 'Y')?.id ?? 0;
    let categoryId = write.isNew
      ? columns.category_id === null || columns.category_id === undefined
        ? fallback
        : Number(columns.category_id)
      : Number(write.stored.category_id ?? fallback);
    if (write.isNew && !categories.some((c) => c.id === categoryId)) {
      if (refuse) throw errors.crmFieldValueNotValid('Pipeline');
      categoryId = fallback;
    }
    if (!write.isNew && columns.stage_id === undefined) return columns;
    const stages = stagesOf(reference, entityTypeId, categoryId);
    let stage = stages.find((s) => s.status_id === columns.stage_id);
    const given = write.isNew ? columns.stage_id !== undefined && columns.stage_id !== null : columns.stage_id !== null;
    if (!stage && refuse && given) throw errors.crmFieldValueNotValid('Stage');
    if (!stage && !write.isNew) {
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
