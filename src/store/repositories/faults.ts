import { sql } from 'kysely';
import { prepared } from '../prepared.js';
import type { Executor } from '../store.js';

/** A stored fault rule: the rule's JSON and its counters. */
export interface FaultRuleRow {
  id: number;
  rule: string;
  times: number | null;
  fired: number;
  draws: number;
}

const COLUMNS = ['id', 'rule', 'times', 'fired', 'draws'] as const;

/** Calls read the rules again when another process may have changed them: built once. */
const all = prepared((db) => db.selectFrom('fault_rule').select(COLUMNS).orderBy('id'));

/** Not spent: no `times`, or fired fewer times than that. */
const live = sql<boolean>`(fault_rule.times is null or fault_rule.fired < fault_rule.times)`;

const draw = prepared((db, id: number) =>
  db.updateTable('fault_rule').set({ draws: sql`draws + 1` }).where('id', '=', id).where(live).returning('draws'),
);

const fire = prepared((db, id: number) =>
  db.updateTable('fault_rule').set({ fired: sql`fired + 1` }).where('id', '=', id).where(live).returning('fired'),
);

/**
 * A portal's fault rules. Each counter moves in one atomic statement that also checks the rule
 * is still there and not spent, so processes sharing the database never fire a rule more often
 * than its `times`, nor one another process removed.
 */
export class FaultRuleRepository {
  constructor(private readonly db: Executor) {}

  list(): Promise<FaultRuleRow[]> {
    return all.all(this.db).then((rows) => rows.map(toRow));
  }

  async insert(rule: string, times: number | null, now: number): Promise<FaultRuleRow> {
    const row = await this.db
      .insertInto('fault_rule')
      .values({ rule, times, created_at: now })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return toRow(row);
  }

  async remove(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('fault_rule').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async clear(): Promise<number> {
    const result = await this.db.deleteFrom('fault_rule').executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Takes the rule's next draw: its number (1 for the first), or undefined when it is gone or spent. */
  async draw(id: number): Promise<number | undefined> {
    const row = await draw.first(this.db, id);
    return row === undefined ? undefined : Number(row.draws);
  }

  /** Counts a firing: how often it has fired now, or undefined when it is gone or spent. */
  async fire(id: number): Promise<number | undefined> {
    const row = await fire.first(this.db, id);
    return row === undefined ? undefined : Number(row.fired);
  }
}

function toRow(row: { id: number; rule: string; times: number | null; fired: number; draws: number }): FaultRuleRow {
  return {
    id: Number(row.id),
    rule: row.rule,
    times: row.times === null ? null : Number(row.times),
    fired: Number(row.fired),
    draws: Number(row.draws),
  };
}
