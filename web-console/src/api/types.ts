/**
 * Shapes of the read API's JSON (docs/api.md; OpenAPI at /api/v1/openapi.json). Keys are
 * snake_case as the API sends them. Times are nanoseconds since the Unix epoch (`*_epoch_nanos`)
 * or milliseconds (`*_epoch_millis`); costs are microcents (1 USD = 100,000,000). Epoch
 * nanoseconds exceed 2^53: read as JavaScript numbers they are exact to about 256 ns, which the
 * console's displays (microseconds at best) never show.
 */

export type TraceStatus = 'OK' | 'ERROR' | 'UNSET';
export type TraceState = 'in_progress' | 'complete';

/** One evaluator's latest score on a trace (a score without `reason`). */
export interface LatestScore {
  id: number;
  evaluator: string;
  evaluator_version: string | null;
  trigger_id: string | null;
  rule_id: string | null;
  revision: number | null;
  passed: boolean | null;
  value: number | null;
  label: string | null;
  source: string;
  created_by: string | null;
  created_epoch_millis: number;
}

export interface Score extends LatestScore {
  reason: string | null;
}

/** A row of `GET /api/v1/traces`: one trace's rollup. */
export interface TraceSummary {
  id: string;
  project_id: string;
  name: string | null;
  root_span_id: string | null;
  state: TraceState;
  revision: number;
  completion_reason: string | null;
  rollup_revision: number | null;
  spans_beyond_revision: number | null;
  status: TraceStatus;
  span_count: number;
  error_count: number;
  start_epoch_nanos: number | null;
  end_epoch_nanos: number | null;
  duration_nanos: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  total_tokens: number | null;
  cost_microcents: number | null;
  cost_is_estimated: boolean | null;
  time_to_first_token_nanos: number | null;
  models: string[];
  providers: string[];
  service_names: string[];
  session_id: string | null;
  user_id: string | null;
  tags: string[];
  user_tags: string[];
  saved: boolean;
  saved_epoch_millis: number | null;
  created_epoch_millis: number;
  metadata: Record<string, string> | null;
  input: unknown;
  output: unknown;
  source: string | null;
  scores_count: number;
  scores_passed: number;
  scores_failed: number;
  latest_scores: Record<string, LatestScore> | null;
}

export interface TraceList {
  traces: TraceSummary[];
  count: number;
  total_count: number;
  total_count_capped: boolean;
  next_cursor: string | null;
  page: number | null;
  page_size: number;
  sort_by: string;
  sort_order: 'asc' | 'desc';
}

export interface SpanEvent {
  name: string;
  time_epoch_nanos: number;
  attributes: Record<string, unknown> | null;
}

/** A span of `GET /api/v1/traces/{id}` (tree or flat) or of its spans pages. */
export interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  otel_span_kind: string | null;
  status: TraceStatus;
  status_message: string | null;
  start_epoch_nanos: number;
  end_epoch_nanos: number;
  duration_nanos: number;
  model: string | null;
  provider: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  cost_microcents: number | null;
  cost_is_estimated: boolean | null;
  time_to_first_token_nanos: number | null;
  session_id: string | null;
  user_id: string | null;
  service_name: string | null;
  scope_name: string | null;
  tags: string[] | null;
  input: unknown;
  output: unknown;
  attributes: Record<string, unknown> | null;
  resource_attributes: Record<string, unknown> | null;
  events: SpanEvent[] | null;
  source: string | null;
  ingested_epoch_millis: number | null;
  depth?: number;
  orphan?: boolean;
  cycle?: boolean;
  flattened?: boolean;
  children?: Span[];
}

export interface FiredTrigger {
  trigger_id: string;
  rule_id: string;
  revision: number;
  turn: string | null;
  fired_epoch_millis: number;
  score_pending: boolean;
}

export interface Annotation {
  id: number;
  text: string;
  author: string;
  score: number | null;
  label: string | null;
  created_epoch_millis: number;
}

export interface TraceDetail extends TraceSummary {
  fired_triggers: FiredTrigger[];
  annotations: Annotation[];
  scores: Score[];
  format: 'tree' | 'flat';
  spans: Span[];
  spans_next_cursor: string | null;
}

export interface SpanPage {
  spans: Span[];
  next_cursor: string | null;
}

export interface Session {
  session_id: string;
  trace_count: number;
  first_start_epoch_nanos: number;
  last_start_epoch_nanos: number;
  last_end_epoch_nanos: number | null;
  duration_nanos: number | null;
  total_trace_duration_nanos: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_microcents: number | null;
  error_count: number;
  error_trace_count: number;
  user_ids: string[];
}

export interface Page {
  count: number;
  page: number;
  page_size: number;
  has_more: boolean;
}

export interface SessionList extends Page {
  sessions: Session[];
}

export interface SessionDetail extends Page {
  session: Session;
  traces: TraceSummary[];
}

export interface ValueDelta<T> {
  a: T | null;
  b: T | null;
  delta?: number | null;
  changed?: boolean;
}

export interface ComparedSpanSide {
  span_id: string;
  name: string;
  status: TraceStatus;
  duration_nanos: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_microcents: number | null;
  output: unknown;
}

export interface ComparedSpan {
  path: string[];
  occurrence: number;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  a: ComparedSpanSide | null;
  b: ComparedSpanSide | null;
  differences: Record<string, ValueDelta<unknown>>;
}

export interface Comparison {
  trace_a: TraceSummary;
  trace_b: TraceSummary;
  rollup: Record<string, ValueDelta<unknown>>;
  spans: ComparedSpan[];
  span_changes: { added: number; removed: number; changed: number; unchanged: number };
}

/** A filter as rules, queues and sets store it: list parameters, each value an array of strings. */
export type StoredFilter = Record<string, string[]>;

export interface TraceSet {
  id: string;
  name: string;
  description: string | null;
  filter: StoredFilter | null;
  trace_count: number;
  created_epoch_millis: number;
}

export interface TraceSetList extends Page {
  trace_sets: TraceSet[];
}

export interface TraceSetDetail extends TraceSet, Page {
  trace_ids: string[];
  traces: TraceSummary[];
  missing_trace_ids: string[];
}

export type RuleTurn = 'first' | 'every' | 'last';

export interface EvaluationRule {
  id: string;
  name: string;
  enabled: boolean;
  filter: StoredFilter;
  sampling_percent: number;
  turn: RuleTurn;
  last_delay_seconds: number | null;
  created_epoch_millis: number;
  updated_epoch_millis: number;
}

export interface EvaluationRuleList extends Page {
  evaluation_rules: EvaluationRule[];
}

export interface AnnotationQueue {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  filter: StoredFilter;
  sampling_percent: number;
  pending_count: number;
  done_count: number;
  created_epoch_millis: number;
  updated_epoch_millis: number;
}

export interface AnnotationQueueList extends Page {
  annotation_queues: AnnotationQueue[];
}

export interface QueueItem {
  trace_id: string;
  revision: number;
  status: 'pending' | 'done';
  added_epoch_millis: number;
  done_epoch_millis: number | null;
  done_by: string | null;
  trace: TraceSummary;
}

export interface QueueItemList extends Page {
  items: QueueItem[];
}

/** `GET /api/v1/traces/facets`: the project's distinct values, for the filter panel's selects. */
export interface TraceFacets {
  models: string[];
  providers: string[];
  service_names: string[];
  tags: string[];
  metadata_keys: string[];
  sources: string[];
}
