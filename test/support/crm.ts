/** What a new portal's CRM holds, as the tests expect it. */

/** The general deal pipeline's stages, in their order (crm.status.list's example). */
export const DEFAULT_DEAL_STAGES = [
  'NEW',
  'PREPARATION',
  'PREPAYMENT_INVOICE',
  'EXECUTING',
  'FINAL_INVOICE',
  'WON',
  'LOSE',
  'APOLOGY',
];
