-- Tracefold storage, version 6: incremental rollups, and "complete" only when a revision covers
-- every stored span (issue #17).
--
-- rollup_state: what merging more spans into the stored rollup needs beyond the rollup columns
-- (IncrementalRollup / RollupState in trace-store): the earliest first-token time, the root span's
-- start, whether it has no parent, its own session and user ids, and the earliest span carrying a
-- session id and a user id. The span writer merges only the newly inserted spans into the row
-- instead of re-reading every stored span. NULL (rows stored before this version): the next write
-- of the trace recomputes the rollup once from its stored spans and fills it.
--
-- revision_span_count: how many stored spans the recorded revision covers (0 for revision 0).
-- span_count - revision_span_count spans are stored beyond it; the trace is 'complete' only when
-- that is 0. NULL: unknown (a trace stored before this version that a late span had reopened).
ALTER TABLE traces
  ADD COLUMN rollup_state        jsonb,
  ADD COLUMN revision_span_count integer CONSTRAINT traces_revision_span_count_check
                                   CHECK (revision_span_count >= 0);

-- Before this version a stored revision always set 'complete' and a late span 'in_progress'.
UPDATE traces
SET revision_span_count = CASE WHEN revision = 0 THEN 0 WHEN state = 'complete' THEN span_count END;
