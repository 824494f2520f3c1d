-- Tracefold storage, version 7: scores, the verdicts of evaluators and people as data (issue #15).

-- One row per score (POST /api/v1/traces/{id}/scores). trigger_id: the evaluation trigger the
-- score answers (fired_triggers), NULL for scores that answer none; rule_id and revision are then
-- the trigger's. One score per (trace, trigger, evaluator name): a replaying evaluator writes once
-- (NULL trigger ids never conflict). latest: this is the latest score of its evaluator for the
-- trace (highest revision, then newest), the one filters and the trace summary look at; exactly
-- one score per (trace, evaluator) has it. Scores go with their trace (deleted by the API or by
-- retention).
CREATE TABLE scores (
  project_id           text             NOT NULL,
  trace_id             text             NOT NULL,
  score_id             bigint           GENERATED ALWAYS AS IDENTITY,
  evaluator_name       text             NOT NULL,
  evaluator_version    text,
  trigger_id           text,
  rule_id              text,
  revision             integer          NOT NULL CHECK (revision >= 0),
  passed               boolean,
  value                double precision,
  label                text,
  reason               text,
  source               text             NOT NULL
                                        CHECK (source IN ('evaluation', 'annotation', 'custom')),
  created_epoch_millis bigint           NOT NULL,
  created_by           text,
  latest               boolean          NOT NULL,
  PRIMARY KEY (project_id, trace_id, score_id),
  UNIQUE (project_id, trace_id, trigger_id, evaluator_name),
  FOREIGN KEY (project_id, trace_id) REFERENCES traces (project_id, trace_id) ON DELETE CASCADE
);

-- Filters go through EXISTS on the latest scores (TraceFilterSql), never through indexes on
-- traces. evaluator, min_score/max_score and sort_by=score (NULL values sort lowest):
CREATE INDEX scores_latest_value_idx
  ON scores (project_id, evaluator_name, (coalesce(value, '-Infinity'::double precision)), trace_id)
  WHERE latest;
-- passed=true|false, with or without evaluator:
CREATE INDEX scores_latest_passed_idx ON scores (project_id, passed, evaluator_name, trace_id)
  WHERE latest AND passed IS NOT NULL;
-- label=:
CREATE INDEX scores_latest_label_idx ON scores (project_id, label, trace_id)
  WHERE latest AND label IS NOT NULL;
-- the pending-triggers gauge counts triggers of rules some score answered:
CREATE INDEX scores_rule_idx ON scores (project_id, rule_id) WHERE rule_id IS NOT NULL;

-- The pending-triggers gauge reads the triggers fired in a time window.
CREATE INDEX fired_triggers_fired_at_idx ON fired_triggers (fired_at);

-- The trace summary's scores, maintained in the transaction that stores a score, so that listings
-- read them with the row: scores_count (every score of the trace), latest_scores (per evaluator
-- name, its latest score without the reason: {"judge": {"id", "evaluator_version", "trigger_id",
-- "revision", "passed", "value", "label", "source", "created_epoch_millis"}}). Constant defaults:
-- adding them rewrites nothing.
ALTER TABLE traces
  ADD COLUMN scores_count  integer NOT NULL DEFAULT 0,
  ADD COLUMN latest_scores jsonb   NOT NULL DEFAULT '{}';
