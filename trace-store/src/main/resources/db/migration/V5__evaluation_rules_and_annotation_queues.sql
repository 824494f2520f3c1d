-- Tracefold storage, version 5: evaluation rules, annotation queues and what they fired.

-- Evaluation rules (/api/v1/evaluation-rules). filter_params holds the list parameters of
-- GET /api/v1/traces ({"status": ["ERROR"]}); sampling_percent is decided per (rule id, trace id)
-- by a deterministic hash; turn says which revisions of a trace the rule sees.
CREATE TABLE evaluation_rules (
  project_id           text             NOT NULL,
  rule_id              text             NOT NULL,
  name                 text             NOT NULL,
  enabled              boolean          NOT NULL,
  filter_params        jsonb            NOT NULL,
  sampling_percent     double precision NOT NULL CHECK (sampling_percent BETWEEN 0 AND 100),
  turn                 text             NOT NULL CHECK (turn IN ('first', 'every', 'last')),
  last_delay_millis    bigint           NOT NULL CHECK (last_delay_millis >= 0),
  created_epoch_millis bigint           NOT NULL,
  updated_epoch_millis bigint           NOT NULL,
  PRIMARY KEY (project_id, rule_id)
);
CREATE INDEX evaluation_rules_created_idx
  ON evaluation_rules (project_id, created_epoch_millis, rule_id);

-- Which turn fired a trigger, and the trigger as it was published (EvaluationTrigger, Avro
-- single-object encoding), so that a replayed revision re-sends exactly what was recorded. Rows
-- of version 1 (the built-in rule) have neither.
ALTER TABLE fired_triggers ADD COLUMN turn text;
ALTER TABLE fired_triggers ADD COLUMN payload bytea;

-- Triggers of turn 'last' waiting for their delay: one row per rule and trace revision that
-- matched. A newer revision of the trace deletes the unclaimed rows of older revisions. The
-- sink instance that fires a row claims it (claimed_by, claim_seq) in the transaction that
-- records it in fired_triggers, publishes it in a Kafka transaction that also commits claim_seq + 1
-- as the offset of its marker group, then deletes it; see rollup-sink's LastTurnScheduler.
CREATE TABLE pending_triggers (
  project_id       text    NOT NULL,
  trace_id         text    NOT NULL,
  rule_id          text    NOT NULL,
  revision         integer NOT NULL,
  trigger_id       text    NOT NULL UNIQUE,
  due_epoch_millis bigint  NOT NULL,
  payload          bytea   NOT NULL,
  claimed_by       text,
  claim_seq        bigint,
  PRIMARY KEY (project_id, trace_id, rule_id, revision)
);
CREATE INDEX pending_triggers_due_idx ON pending_triggers (due_epoch_millis)
  WHERE claimed_by IS NULL;
CREATE INDEX pending_triggers_claimed_idx ON pending_triggers (claimed_by, claim_seq)
  WHERE claimed_by IS NOT NULL;

-- Annotation queues (/api/v1/annotation-queues): the same filter and sampling as rules; every
-- matching completed trace becomes one item, pending until a reviewer marks it done.
CREATE TABLE annotation_queues (
  project_id           text             NOT NULL,
  queue_id             text             NOT NULL,
  name                 text             NOT NULL,
  description          text,
  enabled              boolean          NOT NULL,
  filter_params        jsonb            NOT NULL,
  sampling_percent     double precision NOT NULL CHECK (sampling_percent BETWEEN 0 AND 100),
  created_epoch_millis bigint           NOT NULL,
  updated_epoch_millis bigint           NOT NULL,
  PRIMARY KEY (project_id, queue_id)
);
CREATE INDEX annotation_queues_created_idx
  ON annotation_queues (project_id, created_epoch_millis, queue_id);

-- Items go with their queue and with their trace (deleted by the API or by retention).
CREATE TABLE annotation_queue_items (
  project_id         text    NOT NULL,
  queue_id           text    NOT NULL,
  trace_id           text    NOT NULL,
  revision           integer NOT NULL,
  status             text    NOT NULL CHECK (status IN ('pending', 'done')),
  added_epoch_millis bigint  NOT NULL,
  done_epoch_millis  bigint,
  done_by            text,
  PRIMARY KEY (project_id, queue_id, trace_id),
  FOREIGN KEY (project_id, queue_id) REFERENCES annotation_queues (project_id, queue_id)
    ON DELETE CASCADE,
  FOREIGN KEY (project_id, trace_id) REFERENCES traces (project_id, trace_id) ON DELETE CASCADE
);
CREATE INDEX annotation_queue_items_list_idx
  ON annotation_queue_items (project_id, queue_id, status, added_epoch_millis, trace_id);
CREATE INDEX annotation_queue_items_trace_idx ON annotation_queue_items (project_id, trace_id);
