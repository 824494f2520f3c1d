import { Link } from 'react-router';

/** The OTLP/HTTP traces endpoint of the gateway beside this console (port 4318). */
export function otlpEndpoint(loc: Pick<Location, 'protocol' | 'hostname'> = window.location): string {
  return `${loc.protocol}//${loc.hostname}:4318/v1/traces`;
}

/** A `curl` command that sends one native trace (ingest-gateway README, "Native traces") to `origin`. */
export function nativeTraceCurl(origin: string = window.location.origin): string {
  const trace = {
    id: 'my-first-trace',
    name: 'answer question',
    inputs: { question: 'What is the capital of France?' },
    outputs: 'Paris',
    duration_ms: 900,
    session_id: 'chat-1',
    tags: ['hello'],
    spans: [
      {
        name: 'chat gpt-4o-mini',
        kind: 'llm',
        model: 'gpt-4o-mini',
        provider: 'openai',
        input_tokens: 512,
        output_tokens: 3,
        cost: 0.00008,
        output: 'Paris',
      },
    ],
  };
  return (
    `curl -s ${origin}/api/v1/traces \\\n` +
    `  -H 'Content-Type: application/json' \\\n` +
    `  -H "Authorization: Bearer $TRACEFOLD_API_KEY" \\\n` +
    `  -d '${JSON.stringify(trace)}'`
  );
}

/**
 * What the list shows without rows. Without filters (a project with no traces yet): where to
 * send traces, the OTLP endpoint and a curl example of a native trace. With filters: says nothing
 * matches and offers "Clear filters".
 */
export function EmptyState({ filtered, onClearFilters }: { filtered: boolean; onClearFilters: () => void }) {
  if (filtered) {
    return (
      <div className="traces-empty">
        <h2>No traces match these filters</h2>
        <p>Widen the time range or remove a filter.</p>
        <button type="button" onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="traces-empty">
      <h2>No traces yet</h2>
      <p>
        Point an OpenTelemetry exporter (OTLP/HTTP) at <code>{otlpEndpoint()}</code>, or send a native trace with your
        API key:
      </p>
      <pre className="traces-curl" aria-label="Example: send a native trace with curl">
        {nativeTraceCurl()}
      </pre>
      <p className="hint">
        Files of traces (<code>.json</code>, <code>.jsonl</code>) can be sent from the <Link to="/upload">Upload</Link>{' '}
        page. Traces appear here once their spans are stored.
      </p>
    </div>
  );
}
