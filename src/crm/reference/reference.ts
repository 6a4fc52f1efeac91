/**
 * The CRM's reference lists (stages, sources, types, ... : `crm.status.*`) and pipelines
 * (`crm.category.*`), with the entries a new Bitrix24 portal has. The defaults are written as
 * rows on the first change (`writeReference`); until then reads answer them from here, so a
 * new or reset portal holds no rows of its own and its ids are the same every time.
 */
import type { CategoryRow, StatusRow } from '../../store/repositories/crm-reference.js';
import type { Repositories } from '../../store/store.js';

/** The CRM object types with stages of their own here: leads (the `STATUS` list) and deals. */
export const LEAD = 1;
export const DEAL = 2;

type Entry = [statusId: string, name: string, system?: 'Y', semantics?: 'S' | 'F'];

const PROCESS_COLORS = ['#39A8EF', '#2FC6F6', '#55D0E0', '#47E4C2', '#FFA900'];
const SUCCESS_COLOR = '#7BD500';
const FAILURE_COLOR = '#FF5752';

/** A deal pipeline's stages, as a new pipeline gets them. */
const DEAL_STAGES: Entry[] = [
  ['NEW', 'New', 'Y'],
  ['PREPARATION', 'Document preparation'],
  ['PREPAYMENT_INVOICE', 'Prepayment invoice'],
  ['EXECUTING', 'In progress'],
  ['FINAL_INVOICE', 'Final invoice'],
  ['WON', 'Deal successful', 'Y', 'S'],
  ['LOSE', 'Deal failed', 'Y', 'F'],
  ['APOLOGY', 'Failure reason analysis', undefined, 'F'],
];

/** A smart process pipeline's stages, as a new pipeline gets them. */
const ITEM_STAGES: Entry[] = [
  ['NEW', 'Start', 'Y'],
  ['PREPARATION', 'Preparation'],
  ['CLIENT', 'Customer feedback'],
  ['SUCCESS', 'Success', 'Y', 'S'],
  ['FAIL', 'Failure', 'Y', 'F'],
];

/** The reference lists of a new portal, by ENTITY_ID, in their order. */
const DEFAULT_LISTS: readonly [string, string, Entry[]][] = [
  [
    'STATUS',
    'Lead stages',
    [
      ['NEW', 'Unassigned', 'Y'],
      ['IN_PROCESS', 'In progress'],
      ['PROCESSED', 'Processed'],
      ['JUNK', 'Junk lead', 'Y', 'F'],
      ['CONVERTED', 'Good lead', 'Y', 'S'],
    ],
  ],
  [
    'SOURCE',
    'Sources',
    [
      ['CALL', 'Call'],
      ['EMAIL', 'E-Mail'],
      ['WEB', 'Website'],
      ['ADVERTISING', 'Advertising'],
      ['PARTNER', 'Existing client'],
      ['RECOMMENDATION', 'By recommendation'],
      ['TRADE_SHOW', 'Show/Exhibition'],
      ['WEBFORM', 'CRM form'],
      ['CALLBACK', 'Callback'],
      ['RC_GENERATOR', 'Sales boost'],
      ['STORE', 'Online Store'],
      ['BOOKING', 'Online booking'],
      ['OTHER', 'Other'],
    ],
  ],
  [
    'CONTACT_TYPE',
    'Contact type',
    [
      ['CLIENT', 'Clients'],
      ['SUPPLIER', 'Suppliers'],
      ['PARTNER', 'Partners'],
      ['OTHER', 'Other'],
    ],
  ],
  [
    'COMPANY_TYPE',
    'Company type',
    [
      ['CUSTOMER', 'Client'],
      ['SUPPLIER', 'Supplier'],
      ['COMPETITOR', 'Competitor'],
      ['PARTNER', 'Partner'],
      ['OTHER', 'Other'],
    ],
  ],
  [
    'EMPLOYEES',
    'Number of employees',
    [
      ['EMPLOYEES_1', 'fewer than 50'],
      ['EMPLOYEES_2', '50-250'],
      ['EMPLOYEES_3', '250-500'],
      ['EMPLOYEES_4', 'over 500'],
    ],
  ],
  [
    'INDUSTRY',
    'Industry',
    [
      ['IT', 'Information Technology'],
      ['TELECOM', 'Telecommunication'],
      ['MANUFACTURING', 'Manufacturing'],
      ['BANKING', 'Banking Services'],
      ['CONSULTING', 'Consulting'],
      ['FINANCE', 'Finance'],
      ['GOVERNMENT', 'Government'],
      ['DELIVERY', 'Delivery'],
      ['ENTERTAINMENT', 'Entertainment'],
      ['NOTPROFIT', 'Not for profit'],
      ['OTHER', 'Other'],
    ],
  ],
  [
    'DEAL_TYPE',
    'Deal type',
    [
      ['SALE', 'Sales'],
      ['COMPLEX', 'Complex sale'],
      ['GOODS', 'Merchandise sale'],
      ['SERVICES', 'Service sale'],
      ['SERVICE', 'After-sales service'],
    ],
  ],
  ['DEAL_STAGE', 'General deal stages', DEAL_STAGES],
  [
    'QUOTE_STATUS',
    'Quote stages',
    [
      ['DRAFT', 'New', 'Y'],
      ['SENT', 'Sent to client'],
      ['APPROVED', 'Approved', 'Y', 'S'],
      ['DECLAINED', 'Declined', 'Y', 'F'],
    ],
  ],
  [
    'HONORIFIC',
    'Inquiries',
    [
      ['HNR_EN_1', 'Mr.'],
      ['HNR_EN_2', 'Mrs.'],
      ['HNR_EN_3', 'Ms.'],
      ['HNR_EN_4', 'Dr.'],
    ],
  ],
  [
    'CALL_LIST',
    'Call statuses',
    [
      ['IN_WORK', 'In progress', 'Y'],
      ['SUCCESS', 'Success', 'Y'],
      ['WRONG_NUMBER', 'Wrong number'],
      ['STOP_CALLING', 'Stop calling'],
    ],
  ],
];

/** The names of the lists that are not stages of a pipeline, for crm.status.entity.types. */
export const LIST_NAMES: ReadonlyMap<string, string> = new Map(DEFAULT_LISTS.map(([id, name]) => [id, name]));

/** Rows of one list; stage lists get colors and, at their ends, their semantics. */
function rowsOf(entityId: string, entries: readonly Entry[], prefix: string, categoryId: number | null) {
  return entries.map(
    ([statusId, name, system, semantics], i): Omit<StatusRow, 'id'> => ({
      entity_id: entityId,
      status_id: `${prefix}${statusId}`,
      name,
      name_init: system ? name : '',
      sort: (i + 1) * 10,
      system: system ?? 'N',
      color:
        semantics === 'S'
          ? SUCCESS_COLOR
          : semantics === 'F'
            ? FAILURE_COLOR
            : (PROCESS_COLORS[i % PROCESS_COLORS.length] ?? ''),
      semantics: semantics ?? null,
      category_id: categoryId,
    }),
  );
}

const DEFAULT_STATUSES: readonly StatusRow[] = DEFAULT_LISTS.flatMap(([entityId, , entries]) =>
  rowsOf(entityId, entries, '', null),
).map((row, i) => ({ ...row, id: i + 1 }));

/** The deal pipeline every portal has: id 0, not deletable. */
const DEFAULT_CATEGORIES: readonly CategoryRow[] = [
  { id: 0, entity_type_id: DEAL, name: 'General', sort: 500, is_default: 'Y' },
];

/** The list of a pipeline's stages: DEAL_STAGE, DEAL_STAGE_3, DYNAMIC_1032_STAGE_7. */
export function stageListOf(entityTypeId: number, categoryId: number): string {
  if (entityTypeId === DEAL) return categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
  return `DYNAMIC_${entityTypeId}_STAGE_${categoryId}`;
}

/** The prefix of a pipeline's stage ids: `C3:` for deals, `DT1032_7:` for smart processes. */
export function stagePrefixOf(entityTypeId: number, categoryId: number): string {
  if (entityTypeId === DEAL) return categoryId === 0 ? '' : `C${categoryId}:`;
  return `DT${entityTypeId}_${categoryId}:`;
}

/** The stages a new pipeline gets. */
export function newPipelineStages(entityTypeId: number, categoryId: number): Omit<StatusRow, 'id'>[] {
  const entries = entityTypeId === DEAL ? DEAL_STAGES : ITEM_STAGES;
  return rowsOf(stageListOf(entityTypeId, categoryId), entries, stagePrefixOf(entityTypeId, categoryId), categoryId);
}

export interface Reference {
  readonly statuses: readonly StatusRow[];
  readonly categories: readonly CategoryRow[];
}

/** Every list and pipeline of the portal: its rows, or the defaults while it has none. */
export async function readReference(repos: Repositories): Promise<Reference> {
  if (!(await repos.crmReference.written())) return { statuses: DEFAULT_STATUSES, categories: DEFAULT_CATEGORIES };
  return { statuses: await repos.crmReference.statuses(), categories: await repos.crmReference.categories() };
}

/** Inside a write: the defaults become rows (once), so they can change. */
export async function writeReference(repos: Repositories): Promise<Reference> {
  await repos.crmReference.lock();
  if (!(await repos.crmReference.written())) {
    await repos.crmReference.writeDefaults(DEFAULT_STATUSES, DEFAULT_CATEGORIES);
  }
  return readReference(repos);
}

/** The stages of one pipeline, in their order. */
export function stagesOf(reference: Reference, entityTypeId: number, categoryId: number): StatusRow[] {
  return listEntries(reference, stageListOf(entityTypeId, categoryId));
}

/** The entries of a list that is not a pipeline's (a lead's statuses, `STATUS`), in their order. */
export function listEntries(reference: Reference, entityId: string): StatusRow[] {
  return reference.statuses.filter((s) => s.entity_id === entityId).sort((a, b) => a.sort - b.sort || a.id - b.id);
}

/**
 * One list's entries, as `listEntries(await readReference(repos), entityId)` gives them, reading
 * only that list: what a record's write needs (a deal with 20 pipelines has 200 stage rows).
 */
export async function readList(repos: Repositories, entityId: string): Promise<StatusRow[]> {
  const rows = (await repos.crmReference.written()) ? await repos.crmReference.statusesOf(entityId) : DEFAULT_STATUSES;
  return listEntries({ statuses: rows, categories: [] }, entityId);
}

/** An entity type's pipelines, as `categoriesOf(await readReference(repos), ...)`, reading only those. */
export async function readPipelines(repos: Repositories, entityTypeId: number): Promise<CategoryRow[]> {
  const rows = (await repos.crmReference.written())
    ? await repos.crmReference.categoriesOf(entityTypeId)
    : DEFAULT_CATEGORIES;
  return categoriesOf({ statuses: [], categories: rows }, entityTypeId);
}

/** The pipelines of an entity type, in their order. */
export function categoriesOf(reference: Reference, entityTypeId: number): CategoryRow[] {
  return reference.categories
    .filter((c) => c.entity_type_id === entityTypeId)
    .sort((a, b) => a.sort - b.sort || a.id - b.id);
}
