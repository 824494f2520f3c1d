-- Tracefold storage, version 8: the traces in progress in a table of their own, so that storing a
-- completed revision can be a HOT update of its trace row (issue #11).
--
-- Before this version the partial index traces_in_progress_idx (WHERE state = 'in_progress')
-- served the "what is running" filter. Because its predicate names state, PostgreSQL counted state
-- as an indexed column: every completed revision, which changes state and columns no index holds,
-- wrote a new entry into each of the table's 22 indexes. Now traces_in_progress holds one row per
-- trace whose state is 'in_progress', kept by a trigger on traces (every writer, every path:
-- insert, upsert, update, delete), and the filter joins it (TraceFilterSql). traces.state stays the
-- row's own state; the trigger keeps the two equal within each statement's transaction.
--
-- fillfactor 80 leaves room on each page of traces for the updated version of a row, which a HOT
-- update needs (it applies to pages written from now on).
CREATE TABLE traces_in_progress (
  project_id text NOT NULL,
  trace_id   text NOT NULL,
  PRIMARY KEY (project_id, trace_id)
);

INSERT INTO traces_in_progress (project_id, trace_id)
SELECT project_id, trace_id FROM traces WHERE state = 'in_progress';

CREATE FUNCTION traces_track_in_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' AND NEW.state = 'in_progress' THEN
    INSERT INTO traces_in_progress (project_id, trace_id)
    VALUES (NEW.project_id, NEW.trace_id)
    ON CONFLICT DO NOTHING;
  ELSE
    DELETE FROM traces_in_progress
    WHERE project_id = OLD.project_id AND trace_id = OLD.trace_id;
  END IF;
  RETURN NULL;
END
$$;

-- Fired only when the in-progress set changes: a new trace in progress, a state change, or an
-- in-progress trace deleted (the API's delete, retention). Completed rows inserted directly (bulk
-- loads) and updates that do not change state (scores, user tags, saves) fire nothing.
CREATE TRIGGER traces_in_progress_insert AFTER INSERT ON traces
  FOR EACH ROW WHEN (NEW.state = 'in_progress') EXECUTE FUNCTION traces_track_in_progress();
CREATE TRIGGER traces_in_progress_update AFTER UPDATE OF state ON traces
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION traces_track_in_progress();
CREATE TRIGGER traces_in_progress_delete AFTER DELETE ON traces
  FOR EACH ROW WHEN (OLD.state = 'in_progress') EXECUTE FUNCTION traces_track_in_progress();

DROP INDEX traces_in_progress_idx;

ALTER TABLE traces SET (fillfactor = 80);
