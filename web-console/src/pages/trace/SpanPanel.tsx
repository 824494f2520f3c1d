import { useMemo, useState } from 'react';
import type { Span } from '../../api/types';
import { exactCost, formatCost, formatCount, formatDuration, formatTime, utcTime } from '../../format';
import { JsonView } from '../../components/code/JsonView';
import { Payload } from './Payload';
import { spanMessages } from './messages';
import { Tabs } from './Tabs';
import { kindFamily } from './kinds';
import { Fact } from '../../components/crud/Fact';

type SpanTab = 'io' | 'attributes' | 'events' | 'error';

/** The selected span's details: facts, then tabs Input/Output, Attributes, Events, Error. */
export function SpanPanel({ span, traceStart, onClose }: { span: Span; traceStart: number; onClose: () => void }) {
  const [tab, setTab] = useState<SpanTab>('io');
  const error = span.status === 'ERROR';
  const exceptions = (span.events ?? []).filter((e) => e.name === 'exception');
  return (
    <aside className="span-panel" aria-label="Span details">
      <div className="span-panel-head">
        <h2 className="span-panel-title" title={span.name}>
          {span.name}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close span details" title="Close (Esc)">
          ✕
        </button>
      </div>
      <dl className="facts">
        <Fact className="fact" label="Status">
          <StatusText status={span.status} />
        </Fact>
        <Fact className="fact" label="Kind">
          <span className={`badge kind kind-${kindFamily(span.kind)}`}>{span.kind}</span>
          {span.otel_span_kind ? <span className="muted"> {span.otel_span_kind}</span> : null}
        </Fact>
        {span.model && (
          <Fact className="fact" label="Model">
            {span.model}
          </Fact>
        )}
        {span.provider && (
          <Fact className="fact" label="Provider">
            {span.provider}
          </Fact>
        )}
        <Fact className="fact" label="Start">
          <span title={utcTime(span.start_epoch_nanos)}>
            {formatTime(span.start_epoch_nanos)} (+{formatDuration(span.start_epoch_nanos - traceStart)})
          </span>
        </Fact>
        <Fact className="fact" label="Duration">
          <span title={`${span.duration_nanos} ns`}>{formatDuration(span.duration_nanos)}</span>
        </Fact>
        {span.time_to_first_token_nanos !== null && (
          <Fact className="fact" label="TTFT">
            <span title={`${span.time_to_first_token_nanos} ns`}>{formatDuration(span.time_to_first_token_nanos)}</span>
          </Fact>
        )}
        {(span.input_tokens !== null || span.output_tokens !== null) && (
          <Fact className="fact" label="Tokens">
            <span title={`${span.input_tokens ?? '–'} in, ${span.output_tokens ?? '–'} out`}>
              {formatCount(span.input_tokens)} in / {formatCount(span.output_tokens)} out
            </span>
            {span.cache_read_tokens !== null && (
              <span className="muted"> · cache read {formatCount(span.cache_read_tokens)}</span>
            )}
            {span.cache_write_tokens !== null && (
              <span className="muted"> · cache write {formatCount(span.cache_write_tokens)}</span>
            )}
            {span.reasoning_tokens !== null && (
              <span className="muted"> · reasoning {formatCount(span.reasoning_tokens)}</span>
            )}
          </Fact>
        )}
        {span.cost_microcents !== null && (
          <Fact className="fact" label="Cost">
            <span title={exactCost(span.cost_microcents)}>{formatCost(span.cost_microcents)}</span>
            {span.cost_is_estimated && <span className="badge">estimated</span>}
          </Fact>
        )}
        {span.service_name && (
          <Fact className="fact" label="Service">
            {span.service_name}
          </Fact>
        )}
        <Fact className="fact" label="Span id">
          <code>{span.span_id}</code>
        </Fact>
      </dl>
      <Tabs<SpanTab>
        label="Span details tabs"
        idPrefix="span"
        active={tab}
        onChange={setTab}
        tabs={[
          { key: 'io', label: 'Input/Output' },
          { key: 'attributes', label: 'Attributes' },
          { key: 'events', label: `Events (${span.events?.length ?? 0})`, name: 'Events' },
          { key: 'error', label: error ? '✕ Error' : 'Error', name: 'Error' },
        ]}
      >
        {tab === 'io' && <SpanIO span={span} />}
        {tab === 'attributes' && <AttributesTab span={span} />}
        {tab === 'events' && <EventsTab span={span} />}
        {tab === 'error' && (
          <div>
            {!error && !span.status_message && exceptions.length === 0 ? (
              <p className="muted">No error: status {span.status}.</p>
            ) : (
              <>
                <p>
                  <StatusText status={span.status} />
                  {span.status_message && <span className="status-message">: {span.status_message}</span>}
                </p>
                {exceptions.map((e, i) => (
                  <div key={i} className="exception">
                    <strong>{String(e.attributes?.['exception.type'] ?? 'exception')}</strong>
                    {e.attributes?.['exception.message'] !== undefined && (
                      <span>: {String(e.attributes['exception.message'])}</span>
                    )}
                    {e.attributes?.['exception.stacktrace'] !== undefined && (
                      <pre className="stacktrace">{String(e.attributes['exception.stacktrace'])}</pre>
                    )}
                  </div>
                ))}
              </>
            )}
          </div>
        )}
      </Tabs>
    </aside>
  );
}

/** Status as icon and text, never colour alone. */
export function StatusText({ status }: { status: string }) {
  if (status === 'ERROR') return <span className="status-error">✕ Error</span>;
  if (status === 'OK') return <span className="status-ok">✓ OK</span>;
  return <span className="muted">○ Unset</span>;
}

function SpanIO({ span }: { span: Span }) {
  const messages = useMemo(() => spanMessages(span), [span]);
  return (
    <div className="io">
      <section aria-label="Span input">
        <h3>Input</h3>
        <Payload value={span.input} messages={messages.input} label="Span input" />
      </section>
      <section aria-label="Span output">
        <h3>Output</h3>
        <Payload value={span.output} messages={messages.output} label="Span output" />
      </section>
    </div>
  );
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function AttributesTab({ span }: { span: Span }) {
  const [search, setSearch] = useState('');
  const q = search.trim().toLowerCase();
  const sections: [string, Record<string, unknown> | null][] = [
    ['Attributes', span.attributes],
    ['Resource attributes', span.resource_attributes],
  ];
  return (
    <div>
      <input
        type="search"
        className="attr-search"
        placeholder="Search keys and values ( / )"
        aria-label="Search attributes"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {sections.map(([title, attrs]) => {
        const entries = Object.entries(attrs ?? {})
          .map(([k, v]) => [k, valueText(v)] as const)
          .filter(([k, v]) => !q || k.toLowerCase().includes(q) || v.toLowerCase().includes(q))
          .sort(([a], [b]) => a.localeCompare(b));
        return (
          <section key={title}>
            <h3>{title}</h3>
            {entries.length === 0 ? (
              <p className="muted">{q ? 'None match the search.' : 'None.'}</p>
            ) : (
              <table className="kv" aria-label={title}>
                <tbody>
                  {entries.map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td>{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </div>
  );
}

function EventsTab({ span }: { span: Span }) {
  const events = span.events ?? [];
  if (events.length === 0) return <p className="muted">This span recorded no events.</p>;
  return (
    <ol className="events" aria-label="Events">
      {events.map((e, i) => (
        <li key={i}>
          <div>
            <strong>{e.name}</strong>{' '}
            <span className="muted" title={utcTime(e.time_epoch_nanos)}>
              +{formatDuration(e.time_epoch_nanos - span.start_epoch_nanos)} · {formatTime(e.time_epoch_nanos)}
            </span>
          </div>
          {e.attributes && Object.keys(e.attributes).length > 0 && (
            <JsonView value={e.attributes} label={`Attributes of event ${e.name}`} />
          )}
        </li>
      ))}
    </ol>
  );
}
