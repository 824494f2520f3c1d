import { useId, useState } from 'react';
import type { ReactNode, Ref } from 'react';
import { FILTER_PARAMS, fromApiValue, isFilterParam, METADATA_PREFIX, toApiValue } from '../../filters/filter';
import type { FilterParam, StoredFilter } from '../../filters/filter';
import type { TraceFacets } from '../../api/types';
import { DraftInput } from './DraftInput';
import { MetadataFilters } from './MetadataFilters';
import { MultiSelect } from './MultiSelect';
import { firstValue, formatList, localInputToRfc3339, parseList, rfc3339ToLocalInput, withParam } from './filterEdit';
import { useFacets } from './useFacets';
import './FilterPanel.css';

/**
 * The filter panel: edits a trace filter (docs/api.md "Filters"). The traces list keeps its value
 * in the URL; rule, queue and trace-set forms keep it in their form state.
 */
export interface FilterPanelProps {
  /** The filter being edited: parameter name to values. */
  value: StoredFilter;
  /** Called with the whole new filter after each change. */
  onChange: (next: StoredFilter) => void;
  /** Accessible name of the panel (`Filters`, `Rule filter`). */
  label?: string;
  /** The search box (`Search name, input, output`), for pages that focus it on `/`. */
  searchRef?: Ref<HTMLInputElement>;
}

type Group = FilterParam['group'];

const GROUPS: readonly { group: Group; title: string; open: boolean }[] = [
  { group: 'trace', title: 'Trace', open: true },
  { group: 'time', title: 'Time', open: true },
  { group: 'ranges', title: 'Ranges', open: true },
  { group: 'scores', title: 'Scores', open: false },
];

const RANGE_UNITS: Record<string, string> = { ms: 'milliseconds', usd: 'US dollars', count: '', score: '' };

/** `15m` -> `Last 15 minutes`, `1h` -> `Last 1 hour`. */
export function describeTimeRange(value: string): string {
  const m = /^(\d+)([mhd])$/.exec(value);
  if (!m) return value;
  const unit = { m: 'minute', h: 'hour', d: 'day' }[m[2] as 'm' | 'h' | 'd'];
  return `Last ${m[1]} ${unit}${m[1] === '1' ? '' : 's'}`;
}

/** How many parameters of the group have a value. */
function activeIn(value: StoredFilter, group: Group): number {
  return FILTER_PARAMS.filter((p) => p.group === group && (value[p.name]?.length ?? 0) > 0).length;
}

/**
 * Every filter parameter of {@link FILTER_PARAMS}, each input labelled with its `label`, in
 * collapsible groups (Trace, Time, Ranges, Scores, Metadata); "Clear filters" empties it. Models,
 * providers, services, tags and sources are chosen from the project's values
 * (`GET /api/v1/traces/facets`), typed when that endpoint is missing. Ranges are entered in ms and
 * $ and stored in ns and microcents; from/to become RFC 3339 with the browser's offset.
 */
export function FilterPanel({ value, onChange, label = 'Filters', searchRef }: FilterPanelProps) {
  const headingId = useId();
  const { facets, loading } = useFacets();
  const set = (name: string, values: readonly string[]) => onChange(withParam(value, name, values));
  const empty = !Object.keys(value).some((name) => isFilterParam(name) && value[name].length > 0);
  const metadataCount = Object.keys(value).filter((n) => n.startsWith(METADATA_PREFIX)).length;

  return (
    <section aria-labelledby={headingId} className="filter-panel">
      <div className="fp-header">
        <h2 id={headingId}>{label}</h2>
        <button type="button" onClick={() => onChange({})} disabled={empty}>
          Clear filters
        </button>
      </div>
      {GROUPS.map(({ group, title, open }) => (
        <FilterGroup key={group} title={title} active={activeIn(value, group)} defaultOpen={open}>
          {FILTER_PARAMS.filter((p) => p.group === group).map((param) => (
            <ParamInput
              key={param.name}
              param={param}
              value={value}
              set={set}
              onChange={onChange}
              facets={facets}
              facetsLoading={loading}
              searchRef={param.name === 'search' ? searchRef : undefined}
            />
          ))}
        </FilterGroup>
      ))}
      <FilterGroup title="Metadata" active={metadataCount} defaultOpen={false} wide>
        <MetadataFilters value={value} onChange={onChange} keys={facets?.metadata_keys} />
      </FilterGroup>
    </section>
  );
}

function FilterGroup(props: {
  title: string;
  active: number;
  defaultOpen: boolean;
  wide?: boolean;
  children: ReactNode;
}) {
  const [open] = useState(props.defaultOpen || props.active > 0);
  return (
    <details className="fp-group" open={open}>
      <summary>
        {props.title}
        {props.active > 0 ? <span className="fp-count"> · {props.active} set</span> : null}
      </summary>
      <div className={props.wide ? 'fp-body' : `fp-body fp-grid`}>{props.children}</div>
    </details>
  );
}

interface ParamInputProps {
  param: FilterParam;
  value: StoredFilter;
  set: (name: string, values: readonly string[]) => void;
  onChange: (next: StoredFilter) => void;
  facets: TraceFacets | null | undefined;
  facetsLoading: boolean;
  searchRef?: Ref<HTMLInputElement>;
}

const normalizeList = (text: string) => parseList(text).join('\u0000');

function ParamInput({ param, value, set, onChange, facets, facetsLoading, searchRef }: ParamInputProps) {
  const id = useId();
  const current = value[param.name] ?? [];
  const first = firstValue(value, param.name);
  const field = (input: ReactNode, wide = false) => (
    <div className={wide ? 'fp-field fp-wide' : 'fp-field'}>
      <label htmlFor={id}>{param.label}</label>
      {input}
    </div>
  );

  switch (param.kind) {
    case 'multi': {
      const options = param.choices ?? (facets === null ? null : param.facet && facets ? facets[param.facet] : []);
      return (
        <div className="fp-wide">
          <MultiSelect
            label={param.label}
            selected={current}
            options={options}
            onChange={(next) => set(param.name, next)}
            allowOther={!param.choices}
            loading={facets === undefined && facetsLoading}
            describe={param.name === 'state' ? (s) => s.replace('_', ' ') : undefined}
          />
        </div>
      );
    }
    case 'text':
      return field(
        <DraftInput
          id={id}
          type={param.name === 'search' ? 'search' : 'text'}
          inputRef={searchRef}
          value={first}
          onCommit={(text) => set(param.name, [text])}
        />,
        true,
      );
    case 'texts':
      return field(
        <DraftInput
          id={id}
          type="text"
          placeholder="comma-separated"
          value={formatList(current)}
          normalize={normalizeList}
          onCommit={(text) => set(param.name, parseList(text))}
        />,
        param.group !== 'scores',
      );
    case 'min':
    case 'max': {
      const unit = param.unit ? RANGE_UNITS[param.unit] : '';
      return field(
        <DraftInput
          id={id}
          type="text"
          inputMode="decimal"
          title={unit ? `In ${unit}` : undefined}
          value={fromApiValue(param, first)}
          normalize={(text) => toApiValue(param, text)}
          onCommit={(text) => set(param.name, [toApiValue(param, text)])}
        />,
      );
    }
    case 'boolean':
      return field(
        <select id={id} value={first} onChange={(e) => set(param.name, [e.target.value])}>
          <option value="">Any</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>,
      );
    case 'choice': {
      const choices = [...(param.choices ?? [])];
      if (first !== '' && !choices.includes(first)) choices.push(first);
      const isTime = param.name === 'time_range';
      return field(
        <select
          id={id}
          value={first}
          onChange={(e) => {
            let next = withParam(value, param.name, [e.target.value]);
            if (isTime && e.target.value !== '') next = withParam(withParam(next, 'from', []), 'to', []);
            onChange(next);
          }}
        >
          <option value="">{isTime ? 'Any time' : param.name === 'tags_match' ? 'all (default)' : 'Any'}</option>
          {choices.map((c) => (
            <option key={c} value={c}>
              {isTime ? describeTimeRange(c) : c}
            </option>
          ))}
        </select>,
        isTime,
      );
    }
    case 'datetime':
      return field(
        <input
          id={id}
          type="datetime-local"
          step={1}
          value={rfc3339ToLocalInput(first)}
          onChange={(e) => {
            const instant = localInputToRfc3339(e.target.value);
            let next = withParam(value, param.name, [instant]);
            if (instant !== '') next = withParam(next, 'time_range', []);
            onChange(next);
          }}
        />,
        true,
      );
  }
}
