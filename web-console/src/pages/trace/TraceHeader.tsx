import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { TraceSummary } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { exactCost, formatCost, formatCount, formatDuration, formatTime, utcTime } from '../../format';
import { StatusText } from './SpanPanel';
import { Fact } from '../../components/crud/Fact';

/**
 * The trace's rollup (status, state, revision, duration, cost, tokens, TTFT, models, spans,
 * session, user, saved, tags) and its actions: save/unsave, edit user tags, compare with…
 * `onChanged` gets the summary the API answers after a change.
 */
export function TraceHeader({ trace, onChanged }: { trace: TraceSummary; onChanged: () => void }) {
  const navigate = useNavigate();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/traces/${encodeURIComponent(trace.id)}`;

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e : new ApiError(0, String(e), null, null));
    } finally {
      setBusy(false);
    }
  };
  const saveTags = (tags: string[]) => run(() => api<TraceSummary>(`${path}/tags`, { method: 'PUT', body: { tags } }));
  const spanTags = trace.tags.filter((t) => !trace.user_tags.includes(t));

  return (
    <header className="trace-header">
      <div className="trace-title-row">
        <h1 className="trace-title">{trace.name ?? <span className="muted">(unnamed trace)</span>}</h1>
        <StatusText status={trace.status} />
        {trace.state === 'in_progress' ? (
          <span className="live" title="Spans may still arrive; this page reloads every 3 s">
            <span className="live-dot" aria-hidden="true" />
            In progress
          </span>
        ) : (
          <span className="muted">Complete</span>
        )}
        <div className="trace-actions">
          <button
            type="button"
            disabled={busy}
            aria-pressed={trace.saved}
            aria-label="Save trace"
            onClick={() => run(() => api<TraceSummary>(`${path}/save`, { method: trace.saved ? 'DELETE' : 'POST' }))}
            title={
              trace.saved
                ? `Saved ${trace.saved_epoch_millis ? new Date(trace.saved_epoch_millis).toISOString() : ''}; exempt from retention`
                : 'Keep this trace past retention'
            }
          >
            {trace.saved ? '★ Saved' : '☆ Save'}
          </button>
          <button type="button" onClick={() => navigate(`/compare?a=${encodeURIComponent(trace.id)}`)}>
            Compare with…
          </button>
        </div>
      </div>
      <ErrorBanner error={error} />
      <dl className="rollup">
        <Fact className="rollup-item" label="Trace id">
          <code>{trace.id}</code>
        </Fact>
        <Fact className="rollup-item" label="Start">
          <span title={utcTime(trace.start_epoch_nanos)}>{formatTime(trace.start_epoch_nanos)}</span>
        </Fact>
        <Fact className="rollup-item" label="Duration">
          <span title={trace.duration_nanos === null ? '' : `${trace.duration_nanos} ns`}>
            {formatDuration(trace.duration_nanos)}
          </span>
        </Fact>
        <Fact className="rollup-item" label="Cost">
          <span title={exactCost(trace.cost_microcents)}>{formatCost(trace.cost_microcents)}</span>
          {trace.cost_is_estimated && <span className="badge">estimated</span>}
        </Fact>
        <Fact className="rollup-item" label="Tokens in/out">
          <span
            title={`${trace.input_tokens ?? '–'} in, ${trace.output_tokens ?? '–'} out, ${trace.total_tokens ?? '–'} total`}
          >
            {formatCount(trace.input_tokens)} / {formatCount(trace.output_tokens)}
          </span>
        </Fact>
        <Fact className="rollup-item" label="TTFT">
          <span title={trace.time_to_first_token_nanos === null ? '' : `${trace.time_to_first_token_nanos} ns`}>
            {formatDuration(trace.time_to_first_token_nanos)}
          </span>
        </Fact>
        <Fact className="rollup-item" label="Models">
          {trace.models.length ? trace.models.join(', ') : '–'}
        </Fact>
        <Fact className="rollup-item" label="Spans">
          {formatCount(trace.span_count)}
          {trace.error_count > 0 && <span className="status-error"> · ✕ {formatCount(trace.error_count)} errors</span>}
        </Fact>
        <Fact className="rollup-item" label="Revision">
          {trace.revision}
          {trace.completion_reason && <span className="muted"> · {trace.completion_reason}</span>}
        </Fact>
        <Fact className="rollup-item" label="Session">
          {trace.session_id ? (
            <Link to={`/sessions/${encodeURIComponent(trace.session_id)}`}>{trace.session_id}</Link>
          ) : (
            '–'
          )}
        </Fact>
        <Fact className="rollup-item" label="User">
          {trace.user_id ?? '–'}
        </Fact>
        {trace.scores_count > 0 && (
          <Fact className="rollup-item" label="Scores">
            {trace.scores_count} ({trace.scores_passed} passed, {trace.scores_failed} failed)
          </Fact>
        )}
      </dl>
      <TagEditor userTags={trace.user_tags} spanTags={spanTags} busy={busy} onSave={saveTags} />
    </header>
  );
}

function TagEditor({
  userTags,
  spanTags,
  busy,
  onSave,
}: {
  userTags: string[];
  spanTags: string[];
  busy: boolean;
  onSave: (tags: string[]) => void;
}) {
  const [draft, setDraft] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    const tag = draft.trim();
    if (!tag) return;
    if (!userTags.includes(tag)) onSave([...userTags, tag]);
    setDraft('');
  };
  return (
    <div className="tags" aria-label="Tags" role="group">
      <span className="muted">Tags:</span>
      {spanTags.map((t) => (
        <span key={`s-${t}`} className="tag" title="From the trace's spans">
          {t}
        </span>
      ))}
      {userTags.map((t) => (
        <span key={`u-${t}`} className="tag user-tag">
          {t}
          <button
            type="button"
            className="tag-remove"
            disabled={busy}
            aria-label={`Remove tag ${t}`}
            onClick={() => onSave(userTags.filter((x) => x !== t))}
          >
            ×
          </button>
        </span>
      ))}
      <form onSubmit={add} className="tag-form">
        <input
          aria-label="New tag"
          placeholder="add tag"
          value={draft}
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" disabled={busy || !draft.trim()}>
          Add tag
        </button>
      </form>
    </div>
  );
}
