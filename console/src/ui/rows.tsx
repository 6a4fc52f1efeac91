/**
 * An editable list of small records (a booking's clients, its external-data links): one row of
 * labelled inputs each, "Add" and "Remove" buttons. Values are kept as text; the caller turns
 * rows into what the REST method takes.
 */
export interface RowField {
  key: string;
  label: string;
  /** Choices for a select; none: a text input. */
  options?: { value: string; label: string }[];
  inputMode?: 'numeric' | 'text';
}

export type Row = Record<string, string>;

export function RowsEditor(props: {
  /** Names the group and each row's controls (`Client 2 type`). */
  legend: string;
  /** Singular, for the buttons (`client`). */
  noun: string;
  fields: RowField[];
  rows: Row[];
  onChange: (rows: Row[]) => void;
}) {
  const { rows, onChange, fields } = props;
  const blank = () => Object.fromEntries(fields.map((f) => [f.key, f.options?.[0]?.value ?? '']));
  const set = (index: number, key: string, value: string) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [key]: value } : row)));
  const nounTitle = props.noun.charAt(0).toUpperCase() + props.noun.slice(1);
  return (
    <fieldset class="rows">
      <legend>{props.legend}</legend>
      {rows.length === 0 ? <p class="muted">None.</p> : null}
      {rows.map((row, index) => (
        <div class="row" key={index}>
          {fields.map((field) => {
            const label = `${nounTitle} ${index + 1} ${field.label.toLowerCase()}`;
            return field.options ? (
              <select
                key={field.key}
                aria-label={label}
                value={row[field.key]}
                onChange={(e) => set(index, field.key, e.currentTarget.value)}
              >
                {field.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                key={field.key}
                aria-label={label}
                placeholder={field.label}
                inputMode={field.inputMode}
                value={row[field.key]}
                onInput={(e) => set(index, field.key, e.currentTarget.value)}
              />
            );
          })}
          <button
            type="button"
            class="secondary"
            aria-label={`Remove ${props.noun} ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => onChange([...rows, blank()])}>
        Add {props.noun}
      </button>
    </fieldset>
  );
}

export const CLIENT_FIELDS: RowField[] = [
  {
    key: 'code',
    label: 'Type',
    options: [
      { value: 'CONTACT', label: 'Contact' },
      { value: 'COMPANY', label: 'Company' },
    ],
  },
  { key: 'id', label: 'ID', inputMode: 'numeric' },
];

export const LINK_FIELDS: RowField[] = [
  { key: 'moduleId', label: 'Module' },
  { key: 'entityTypeId', label: 'Entity type' },
  { key: 'value', label: 'Value' },
];
