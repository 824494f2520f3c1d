-- Tracefold storage, version 3: what the read API (GET /api/v1/traces) lists, filters and sorts by.
--
-- Columns the API owns (the writers of V1 never touch them, so a replayed or reopened trace keeps
-- them): user_tags (PUT /api/v1/traces/{id}/tags; a trace's tags are its spans' tags plus these),
-- saved_epoch_millis (POST /api/v1/traces/{id}/save; NULL = not saved; saved traces are exempt from
-- retention), created_epoch_millis (when the row was first stored; sort key created_at). Adding a
-- column whose default is not volatile rewrites nothing: rows stored before get the migration time.
ALTER TABLE traces
  ADD COLUMN user_tags            text[] NOT NULL DEFAULT '{}',
  ADD COLUMN saved_epoch_millis   bigint,
  ADD COLUMN created_epoch_millis bigint NOT NULL
    DEFAULT (extract(epoch FROM now()) * 1000)::bigint;

-- One btree per sort key (TraceSort.Field): (project, key, trace id) serves ORDER BY key, trace_id
-- in both directions (scanned backwards for desc), keyset paging "(key, trace_id) < (?, ?)", and
-- range filters on the key. cost sorts with NULL as -1 (no cost = lowest).
DROP INDEX traces_project_start_idx;
CREATE INDEX traces_start_idx ON traces (project_id, start_epoch_nanos, trace_id);
CREATE INDEX traces_end_idx ON traces (project_id, end_epoch_nanos, trace_id);
CREATE INDEX traces_duration_idx ON traces (project_id, duration_nanos, trace_id);
CREATE INDEX traces_cost_idx ON traces (project_id, (coalesce(cost_microcents, -1)), trace_id);
CREATE INDEX traces_total_tokens_idx ON traces (project_id, total_tokens, trace_id);
CREATE INDEX traces_span_count_idx ON traces (project_id, span_count, trace_id);
CREATE INDEX traces_error_count_idx ON traces (project_id, error_count, trace_id);
CREATE INDEX traces_created_idx ON traces (project_id, created_epoch_millis, trace_id);

-- The two status/state filters worth an index: failed traces and traces still in progress are
-- few, and the views "what failed" and "what is running" common. The filter SQL writes these
-- values as literals, so the planner matches the predicates.
CREATE INDEX traces_errors_idx ON traces (project_id, start_epoch_nanos, trace_id)
  WHERE status = 'ERROR';
CREATE INDEX traces_in_progress_idx ON traces (project_id, start_epoch_nanos, trace_id)
  WHERE state = 'in_progress';

-- Equality filters with many distinct values; sessions are also listed by start time.
CREATE INDEX traces_session_idx ON traces (project_id, session_id, start_epoch_nanos)
  WHERE session_id IS NOT NULL;
CREATE INDEX traces_user_idx ON traces (project_id, user_id) WHERE user_id IS NOT NULL;
-- source: filter, and GET /api/v1/traces/sources (a loose index scan over distinct values).
CREATE INDEX traces_source_idx ON traces (project_id, source);

-- Array and jsonb containment: tags (span tags plus user tags, the expression the filter uses),
-- models, providers, service names (&& / @>), metadata (@> '{"key": "value"}').
CREATE INDEX traces_tags_idx ON traces USING gin ((tags || user_tags));
CREATE INDEX traces_models_idx ON traces USING gin (models);
CREATE INDEX traces_providers_idx ON traces USING gin (providers);
CREATE INDEX traces_service_names_idx ON traces USING gin (service_names);
CREATE INDEX traces_metadata_idx ON traces USING gin (metadata jsonb_path_ops);

-- Substring search (ILIKE '%text%') over the root span name, the input and the output: trigram
-- indexes of pg_trgm (a trusted extension since PostgreSQL 13: the database owner may create it).
-- Where the extension cannot be created the indexes are skipped; search still works, scanning.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'pg_trgm unavailable (%): search and name_contains will scan without an index',
    SQLERRM;
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX traces_name_trgm_idx ON traces USING gin (root_span_name gin_trgm_ops);
    CREATE INDEX traces_input_trgm_idx ON traces USING gin (input gin_trgm_ops);
    CREATE INDEX traces_output_trgm_idx ON traces USING gin (output gin_trgm_ops);
  END IF;
END
$$;
