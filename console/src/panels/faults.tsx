/**
 * Fault rules of the portal (`/_admin/portals/NAME/faults`): add one from the presets (or a
 * delay, or a dropped connection), see how often each fired, remove one or all. The fired counts
 * move on calls that fail, which the live refresh does not count, so the list is read again
 * every second.
 */
import { useState } from 'preact/hooks';
import { admin } from '../api';
import { Field } from '../ui/dialog';
import { notify } from '../ui/notices';
import { usePolled } from '../ui/polled';
import { RowActions, Table } from '../ui/table';
import type { Panel, PanelProps } from './index';
import './panels.css';

interface Preset {
  name: string;
  status: number;
  error: string;
  error_description: string;
}

interface Rule {
  id: number;
  method: string;
  error?: string | { status: number; error: string; error_description: string };
  latencyMs?: number;
  drop?: true;
  after?: 'commit';
  probability: number;
  times?: number;
  seed?: number;
  fired: number;
}

function effect(rule: Rule): string {
  const parts: string[] = [];
  if (typeof rule.error === 'string') parts.push(rule.error);
  else if (rule.error) parts.push(`${rule.error.status} ${rule.error.error}`);
  if (rule.drop) parts.push('drop the connection');
  if (rule.latencyMs !== undefined) parts.push(`wait ${rule.latencyMs} ms`);
  if (rule.after) parts.push('after commit');
  if (rule.probability !== 1) parts.push(`probability ${rule.probability}`);
  return parts.join(', ');
}

const DROP = 'drop';
const DELAY_ONLY = 'delay';

function FaultsPanel({ portal, changes }: PanelProps) {
  const base = `portals/${encodeURIComponent(portal)}/faults`;
  const presets = usePolled(() => admin<{ presets: Preset[] }>(`${base}/presets`), [portal], 60_000).data?.presets;
  const { data, reload } = usePolled(() => admin<{ rules: Rule[] }>(base), [portal, changes]);
  const rules = data?.rules ?? [];
  const remove = async (path: string, done: string) => {
    try {
      await admin(path, { method: 'DELETE' });
      notify.info(done);
      await reload();
    } catch (failure) {
      notify.error(failure);
    }
  };
  return (
    <section class="panel faults" aria-labelledby="faults-title">
      <div class="toolbar">
        <h1 id="faults-title">Faults</h1>
        <button
          type="button"
          class="danger"
          disabled={rules.length === 0}
          onClick={() => remove(base, 'Every rule is removed.')}
        >
          Remove all rules
        </button>
      </div>
      <AddRule base={base} presets={presets ?? []} onAdded={reload} />
      <Table
        label="Fault rules"
        columns={['#', 'Methods', 'Does', 'Times', 'Fired', '']}
        empty={rules.length === 0 ? 'No rules: every call runs as it would.' : undefined}
      >
        {rules.map((rule) => (
          <tr key={rule.id}>
            <td>{rule.id}</td>
            <td>
              <code>{rule.method}</code>
            </td>
            <td>{effect(rule)}</td>
            <td>{rule.times ?? 'always'}</td>
            <td>{rule.fired}</td>
            <RowActions
              of={`rule ${rule.id}`}
              actions={[
                {
                  label: 'Remove',
                  kind: 'danger',
                  run: () => remove(`${base}/${rule.id}`, `Rule ${rule.id} is removed.`),
                },
              ]}
            />
          </tr>
        ))}
      </Table>
    </section>
  );
}

function AddRule(props: { base: string; presets: Preset[]; onAdded: () => Promise<void> }) {
  const [method, setMethod] = useState('booking.v1.*');
  const [does, setDoes] = useState('QUERY_LIMIT_EXCEEDED');
  const [times, setTimes] = useState('1');
  const [probability, setProbability] = useState('1');
  const [latency, setLatency] = useState('');
  const [afterCommit, setAfterCommit] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const rule: Record<string, unknown> = { method: method.trim() || '*' };
    if (does === DROP) rule.drop = true;
    else if (does !== DELAY_ONLY) rule.error = does;
    if (latency.trim() !== '') rule.latencyMs = Number(latency);
    if (afterCommit) rule.after = 'commit';
    if (times.trim() !== '') rule.times = Number(times);
    if (probability.trim() !== '') rule.probability = Number(probability);
    try {
      const added = await admin<Rule>(props.base, { method: 'POST', body: rule });
      setError(undefined);
      notify.info(`Rule ${added.id} is added.`);
      await props.onAdded();
    } catch (failure) {
      setError((failure as Error).message);
      notify.error(failure);
    }
  };
  return (
    <form class="card form" aria-labelledby="add-rule-title" onSubmit={submit}>
      <h2 id="add-rule-title">Add a rule</h2>
      <div class="two">
        <Field label="Methods" hint="A glob: * any run, ? one character, {add,update}">
          <input required value={method} onInput={(e) => setMethod(e.currentTarget.value)} />
        </Field>
        <Field label="Answer">
          <select value={does} onChange={(e) => setDoes(e.currentTarget.value)}>
            {props.presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}: {p.status} {p.error_description}
              </option>
            ))}
            <option value={DROP}>Drop the connection (no answer)</option>
            <option value={DELAY_ONLY}>The real answer, delayed</option>
          </select>
        </Field>
        <Field label="Times" hint="Empty: without end">
          <input type="number" min={1} step={1} value={times} onInput={(e) => setTimes(e.currentTarget.value)} />
        </Field>
        <Field label="Probability" hint="0 to 1">
          <input
            type="number"
            min={0}
            max={1}
            step="any"
            value={probability}
            onInput={(e) => setProbability(e.currentTarget.value)}
          />
        </Field>
        <Field label="Delay (ms)" hint="Empty: none">
          <input type="number" min={0} step={1} value={latency} onInput={(e) => setLatency(e.currentTarget.value)} />
        </Field>
        <label class="inline">
          <input type="checkbox" checked={afterCommit} onChange={(e) => setAfterCommit(e.currentTarget.checked)} />
          <span>After commit (the method runs and its changes stay)</span>
        </label>
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit">Add rule</button>
      </div>
    </form>
  );
}

export const faultsPanel: Panel = { id: 'faults', title: 'Faults', view: FaultsPanel };
