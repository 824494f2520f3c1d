-- Tracefold storage, version 4: what users add to traces through the read API.

-- Annotations of a trace (POST /api/v1/traces/{id}/annotations), listed in creation order; they
-- go with their trace (deleted by the API or by retention).
CREATE TABLE trace_annotations (
  annotation_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id           text   NOT NULL,
  trace_id             text   NOT NULL,
  text                 text   NOT NULL,
  author               text   NOT NULL,
  score                double precision,
  label                text,
  created_epoch_millis bigint NOT NULL,
  FOREIGN KEY (project_id, trace_id) REFERENCES traces (project_id, trace_id) ON DELETE CASCADE
);
CREATE INDEX trace_annotations_trace_idx ON trace_annotations (project_id, trace_id, annotation_id);

-- Trace sets (POST /api/v1/trace-sets): a frozen list of trace ids, the unit an evaluation runs
-- over. filter_params holds the list parameters the set was selected with ({"status": ["ERROR"]}),
-- NULL when it was given as ids. Members keep their ids when a trace is deleted later.
CREATE TABLE trace_sets (
  project_id           text    NOT NULL,
  set_id               text    NOT NULL,
  name                 text    NOT NULL,
  description          text,
  filter_params        jsonb,
  trace_count          integer NOT NULL,
  created_epoch_millis bigint  NOT NULL,
  PRIMARY KEY (project_id, set_id)
);
CREATE INDEX trace_sets_created_idx ON trace_sets (project_id, created_epoch_millis, set_id);

CREATE TABLE trace_set_members (
  project_id text    NOT NULL,
  set_id     text    NOT NULL,
  position   integer NOT NULL,
  trace_id   text    NOT NULL,
  PRIMARY KEY (project_id, set_id, position),
  FOREIGN KEY (project_id, set_id) REFERENCES trace_sets (project_id, set_id) ON DELETE CASCADE
);
