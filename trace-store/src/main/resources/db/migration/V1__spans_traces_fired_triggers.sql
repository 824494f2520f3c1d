-- Tracefold storage, version 1: spans as they arrive, one rollup row per trace, fired triggers.
-- Units are in column names (nanos since the Unix epoch, microcents: 1 USD = 100,000,000).
-- Enumerations are stored as their Avro symbol names (status 'OK', kind 'LLM', reason 'QUIET'),
-- except traces.state, which uses the API's wire names 'in_progress' / 'complete'.

-- One row per (project, trace, span id). Written by rollup-sink as spans arrive and again (as a
-- no-op) with every completed revision; rows are never updated. payload holds the Avro
-- single-object encoding of the Span, so a span read back is equal to the one written; the typed
-- columns beside it exist to filter and sort (text columns have NUL characters replaced by U+FFFD,
-- which PostgreSQL text cannot hold).
CREATE TABLE spans (
  project_id                text    NOT NULL,
  trace_id                  text    NOT NULL,
  span_id                   text    NOT NULL,
  parent_span_id            text,
  name                      text    NOT NULL,
  kind                      text    NOT NULL,
  otel_span_kind            text,
  status                    text    NOT NULL,
  status_message            text,
  start_epoch_nanos         bigint  NOT NULL,
  end_epoch_nanos           bigint  NOT NULL,
  duration_nanos            bigint  NOT NULL,
  service_name              text,
  scope_name                text,
  model                     text,
  provider                  text,
  input_tokens              bigint,
  output_tokens             bigint,
  cache_read_tokens         bigint,
  cache_write_tokens        bigint,
  reasoning_tokens          bigint,
  cost_microcents           bigint,
  cost_is_estimated         boolean NOT NULL,
  time_to_first_token_nanos bigint,
  session_id                text,
  user_id                   text,
  tags                      text[]  NOT NULL,
  attributes                jsonb   NOT NULL,
  resource_attributes       jsonb   NOT NULL,
  source                    text    NOT NULL,
  ingested_epoch_millis     bigint  NOT NULL,
  payload                   bytea   NOT NULL,
  stored_at                 timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, trace_id, span_id)
);

-- One row per (project, trace): every TraceRollup field, plus the trace's lifecycle.
-- state: 'in_progress' while spans arrive (and again after a late span reopens a completed trace),
-- 'complete' once a completed revision is stored. revision: 0 until the first completion, then
-- the revision of the latest completion stored. completion_reason: NULL until the first completion.
CREATE TABLE traces (
  project_id                text    NOT NULL,
  trace_id                  text    NOT NULL,
  root_span_id              text,
  root_span_name            text,
  status                    text    NOT NULL,
  start_epoch_nanos         bigint  NOT NULL,
  end_epoch_nanos           bigint  NOT NULL,
  duration_nanos            bigint  NOT NULL,
  span_count                integer NOT NULL,
  error_count               integer NOT NULL,
  input_tokens              bigint  NOT NULL,
  output_tokens             bigint  NOT NULL,
  cache_read_tokens         bigint  NOT NULL,
  cache_write_tokens        bigint  NOT NULL,
  reasoning_tokens          bigint  NOT NULL,
  total_tokens              bigint  NOT NULL,
  cost_microcents           bigint,
  cost_is_estimated         boolean NOT NULL,
  time_to_first_token_nanos bigint,
  models                    text[]  NOT NULL,
  providers                 text[]  NOT NULL,
  service_names             text[]  NOT NULL,
  session_id                text,
  user_id                   text,
  tags                      text[]  NOT NULL,
  metadata                  jsonb   NOT NULL,
  input                     text,
  output                    text,
  source                    text,
  state                     text    NOT NULL CONSTRAINT traces_state_check
                                      CHECK (state IN ('in_progress', 'complete')),
  revision                  integer NOT NULL DEFAULT 0 CONSTRAINT traces_revision_check
                                      CHECK (revision >= 0),
  completion_reason         text,
  updated_at                timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, trace_id)
);

-- Listing: newest start first per project, ties by trace id (TraceStore.listTraces).
CREATE INDEX traces_project_start_idx ON traces (project_id, start_epoch_nanos DESC, trace_id);

-- One row per evaluation trigger fired; trigger_id is deterministic per (rule, trace, revision),
-- so a replayed completed trace inserts nothing new.
CREATE TABLE fired_triggers (
  trigger_id  text        PRIMARY KEY,
  rule_id     text        NOT NULL,
  project_id  text        NOT NULL,
  trace_id    text        NOT NULL,
  revision    integer     NOT NULL,
  fired_at    timestamptz NOT NULL
);

CREATE INDEX fired_triggers_trace_idx ON fired_triggers (project_id, trace_id, revision);
