-- Tracefold storage, version 9: half of each page of traces left free, so that storing a completed
-- revision finds room for the row's new version on its page and is a HOT update (issue #11).
--
-- A trace row is inserted with its first spans, often updated while in progress (not HOT: span
-- count, tokens and end are indexed) and then once per revision, which changes no indexed column
-- (V8). With fillfactor 80 the in-progress versions often took the room the revision needed: in
-- PipelineBench (3-minute soak at 6,000 spans/s) 62-64% of the revisions were HOT updates, with 50
-- 95-99%, and PostgreSQL spent 4-10% less CPU per span. The cost is space: pages written from now on
-- hold 5/8 of the rows they held at 80 (docs/decisions.md, "Traces at fillfactor 50").
ALTER TABLE traces SET (fillfactor = 50);
