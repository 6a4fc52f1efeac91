/**
 * A table of records: a named table with column headers (an empty title heads the actions
 * column, for screen readers only), a line saying so when there is nothing to show, and each
 * row's buttons named for the row (`Remove rule 3`).
 */
import type { ComponentChildren } from 'preact';

export function Table(props: {
  /** Names the table; or `labelledBy`, the id of a heading that does. */
  label?: string;
  labelledBy?: string;
  columns: string[];
  /** Shown in place of rows when set (`No rules yet.`). */
  empty?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table aria-label={props.label} aria-labelledby={props.labelledBy}>
        <thead>
          <tr>
            {props.columns.map((title, i) => (
              <th scope="col" key={i}>
                {title || <span class="visually-hidden">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.empty ? (
            <tr>
              <td colSpan={props.columns.length} class="muted">
                {props.empty}
              </td>
            </tr>
          ) : null}
          {props.children}
        </tbody>
      </table>
    </div>
  );
}

export interface RowAction {
  label: string;
  kind?: 'secondary' | 'danger';
  run: () => void;
}

/** A row's buttons, each named with what it acts on: `Edit Room 1`. */
export function RowActions(props: { of: string; actions: RowAction[] }) {
  return (
    <td class="actions">
      {props.actions.map((action) => (
        <button
          type="button"
          key={action.label}
          class={action.kind}
          aria-label={`${action.label} ${props.of}`}
          onClick={action.run}
        >
          {action.label}
        </button>
      ))}
    </td>
  );
}
