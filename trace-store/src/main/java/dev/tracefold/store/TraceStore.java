package dev.tracefold.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.evaluation.AnnotationQueueStore;
import dev.tracefold.store.evaluation.EvaluationRuleStore;
import dev.tracefold.store.evaluation.PendingTriggerStore;
import dev.tracefold.store.evaluation.ScoreMeters;
import dev.tracefold.store.evaluation.ScoreRows;
import dev.tracefold.store.evaluation.ScoreStore;
import dev.tracefold.store.evaluation.TriggerRows;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.session.SessionStore;
import dev.tracefold.store.set.TraceSetStore;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.Transactions;
import dev.tracefold.store.trace.AnnotationRows;
import dev.tracefold.store.trace.CompletedWrite;
import dev.tracefold.store.trace.CompletedWrites;
import dev.tracefold.store.trace.CompletionDecider;
import dev.tracefold.store.trace.EncodedSpan;
import dev.tracefold.store.trace.IncrementalRollup;
import dev.tracefold.store.trace.SpanPage;
import dev.tracefold.store.trace.SpanRows;
import dev.tracefold.store.trace.SpanWriteMeters;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceCuration;
import dev.tracefold.store.trace.TraceFacetQuery;
import dev.tracefold.store.trace.TraceFacets;
import dev.tracefold.store.trace.TraceListing;
import dev.tracefold.store.trace.TraceLocks;
import dev.tracefold.store.trace.TracePage;
import dev.tracefold.store.trace.TraceRows;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL trace store: spans as they arrive, one rollup row per trace, and the evaluation
 * triggers fired. Flyway migrates the schema (classpath {@code db/migration}) when the store opens;
 * JDBC runs over a HikariCP pool.
 *
 * <p>Writes are idempotent, so replaying {@code tracefold.spans} or {@code
 * tracefold.traces.completed} changes nothing: spans are inserted {@code ON CONFLICT DO NOTHING}
 * (by project, trace and span id), a completed revision never replaces the same or a newer one, and
 * trigger ids are unique. Every write runs in one transaction and holds a per-trace advisory lock,
 * so the span writer and the completed-trace writer never interleave on one trace.
 *
 * <p>Text is stored with NUL characters replaced by U+FFFD (PostgreSQL text cannot hold them);
 * spans themselves round-trip losslessly through their Avro payload.
 *
 * <p>Thread-safe: every method borrows its own pooled connection.
 */
public final class TraceStore implements AutoCloseable {
  /**
   * Listings count matching traces up to this many; beyond it {@link TracePage#totalCountCapped()}
   * is true. Counting stops there so that a listing costs about the same however many traces match.
   */
  public static final int COUNT_LIMIT = 1_000;

  /**
   * {@link #findTrace} returns at most this many of a trace's spans (the first in start order);
   * {@link #findSpans} pages through all of them.
   */
  public static final int DETAIL_MAX_SPANS = 5_000;

  /**
   * {@link #findTrace} and every {@link #findSpans} page stop adding spans once their Avro payloads
   * reach this many bytes (8 MiB; the JSON of a page is about twice that): a trace of 9,000 spans
   * of 11 KB each used to answer 98 MB at once (issue #12).
   */
  public static final long PAGE_MAX_SPAN_BYTES = 8L << 20;

  private static final Logger log = LoggerFactory.getLogger(TraceStore.class);

  /** Longest wait for a pooled connection; a call fails with TraceStoreException after it. */
  private static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

  private static final String SOURCES_SQL =
      "WITH RECURSIVE s AS ("
          + " (SELECT source FROM traces WHERE project_id = ? AND source IS NOT NULL"
          + " ORDER BY source LIMIT 1)"
          + " UNION ALL"
          + " SELECT (SELECT t.source FROM traces t WHERE t.project_id = ? AND t.source > s.source"
          + " ORDER BY t.source LIMIT 1) FROM s WHERE s.source IS NOT NULL)"
          + " SELECT source FROM s WHERE source IS NOT NULL";

  private final HikariDataSource dataSource;
  private final Transactions transactions;
  private final ApiKeyStore apiKeys;
  private final TraceCuration curation;
  private final SessionStore sessions;
  private final TraceSetStore traceSets;
  private final EvaluationRuleStore evaluationRules;
  private final AnnotationQueueStore annotationQueues;
  private final PendingTriggerStore pendingTriggers;
  private final ScoreStore scores;
  private final SpanWriteMeters spanWrites;

  private TraceStore(HikariDataSource dataSource, MeterRegistry registry) {
    this.dataSource = dataSource;
    this.transactions = new Transactions(dataSource);
    this.apiKeys = new ApiKeyStore(transactions);
    this.curation = new TraceCuration(transactions);
    this.sessions = new SessionStore(transactions);
    this.traceSets = new TraceSetStore(transactions);
    this.evaluationRules = new EvaluationRuleStore(transactions);
    this.annotationQueues = new AnnotationQueueStore(transactions);
    this.pendingTriggers = new PendingTriggerStore(transactions);
    this.scores = new ScoreStore(transactions, new ScoreMeters(registry), Clock.systemUTC());
    this.spanWrites = new SpanWriteMeters(registry);
  }

  /**
   * Opens a connection pool and migrates the schema to the latest version.
   *
   * @param settings where the database is and how large the pool may grow
   * @return an open store; close it when done
   * @throws IllegalStateException if the database cannot be reached, refuses the credentials, or
   *     the migration fails; the message names the JDBC URL and the settings to check
   */
  public static TraceStore open(StoreSettings settings) {
    return open(settings, null);
  }

  /**
   * Same as {@link #open(StoreSettings)}, and publishes the pool's meters to {@code registry}
   * (HikariCP's Micrometer tracker: {@code hikaricp_connections_active}, {@code _idle}, {@code
   * _pending}, {@code _max}, {@code _timeout_total}, {@code _acquire_seconds}, {@code
   * _usage_seconds}, {@code _creation_seconds}, all tagged {@code pool="tracefold-store"}) and the
   * counters of the scores it stores ({@code tracefold_scores_written_total}, {@code
   * tracefold_scores_verdicts_total}; see {@link ScoreStore}).
   *
   * @param registry where the pool's and the scores' meters go; {@code null} publishes none
   */
  public static TraceStore open(StoreSettings settings, MeterRegistry registry) {
    Objects.requireNonNull(settings, "settings");
    HikariConfig config = new HikariConfig();
    if (registry != null) {
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    config.setPoolName("tracefold-store");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.username());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maximumPoolSize());
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    config.setInitializationFailTimeout(1);
    config.addDataSourceProperty("ApplicationName", "tracefold");
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot connect to PostgreSQL at "
              + settings.jdbcUrl()
              + " as user '"
              + settings.username()
              + "': "
              + rootMessage(e)
              + ". Check that the database is running and reachable, and the settings"
              + " tracefold.store.jdbc-url, username and password (environment"
              + " TRACEFOLD_STORE_JDBC_URL, TRACEFOLD_STORE_USERNAME, TRACEFOLD_STORE_PASSWORD)",
          e);
    }
    try {
      var result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations("classpath:db/migration")
              .validateMigrationNaming(true)
              .load()
              .migrate();
      log.info(
          "Trace store at {} is at schema version {} ({} migrations applied now)",
          settings.jdbcUrl(),
          result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion,
          result.migrationsExecuted);
    } catch (FlywayException e) {
      dataSource.close();
      throw new IllegalStateException(
          "Cannot migrate the trace store schema at " + settings.jdbcUrl() + ": " + rootMessage(e),
          e);
    }
    return new TraceStore(dataSource, registry);
  }

  /** The pooled data source, for trace-store's own jobs and tests; do not close it. */
  DataSource dataSource() {
    return dataSource;
  }

  /**
   * Checks that the database answers, for health checks. Takes at most about 7 s (5 s to borrow a
   * connection, 2 s to validate it).
   *
   * @throws TraceStoreException if no connection can be borrowed within 5 s or it is not valid
   *     within 2 s
   */
  public void ping() {
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isValid(2)) {
        throw new TraceStoreException(
            "PostgreSQL did not answer",
            new SQLException("connection not valid within 2 s", "08006"));
      }
    } catch (SQLException e) {
      throw new TraceStoreException("Cannot reach PostgreSQL", e);
    }
  }

  /**
   * Stores spans as they arrive, in one transaction: spans already stored (same project, trace and
   * span id) are skipped; every trace that got at least one new span gets the new spans merged into
   * its stored rollup ({@link IncrementalRollup}: the result equals {@link TraceRollups#compute}
   * over all its stored spans, without reading them again) and its state set to {@code
   * in_progress}, keeping its revision, completion reason and revision span count. So a completed
   * trace is reopened only by a genuinely new (late) span, never by a replay of spans it already
   * has. Spans of a trace that has a completed revision are checked against its stored span ids
   * before they are sent (a span writer running behind the completed-trace writer repeats what that
   * one stored), so a batch is normally sent to PostgreSQL once. Encodes each span for its payload
   * column; {@link #writeEncodedSpans} stores given bytes.
   *
   * @param spans spans of any traces and projects, duplicates allowed
   * @return the traces whose stored state changed; empty if every span was stored already
   * @throws IllegalArgumentException if a span's project id is empty or contains '/'
   * @throws TraceStoreException if the database fails; nothing of the call is stored
   */
  public Set<TraceKey> writeSpans(Collection<Span> spans) {
    Objects.requireNonNull(spans, "spans");
    List<EncodedSpan> encoded = new ArrayList<>(spans.size());
    spans.forEach(span -> encoded.add(EncodedSpan.encode(span)));
    return writeEncodedSpans(encoded);
  }

  /**
   * Same as {@link #writeSpans}, storing each span's given encoding as its payload (the bytes of
   * its {@code tracefold.spans} record) instead of encoding it again.
   *
   * @param spans spans with their Avro single-object encodings, duplicates allowed
   * @return the traces whose stored state changed; empty if every span was stored already
   * @throws IllegalArgumentException if a span's project id is empty or contains '/'
   * @throws TraceStoreException if the database fails; nothing of the call is stored
   */
  public Set<TraceKey> writeEncodedSpans(Collection<EncodedSpan> spans) {
    Objects.requireNonNull(spans, "spans");
    if (spans.isEmpty()) {
      return Set.of();
    }
    List<TraceKey> traces = new ArrayList<>();
    List<EncodedSpan> distinct = SpanRows.distinct(spans, traces);
    return transactions.write(
        "write " + distinct.size() + (distinct.size() == 1 ? " span" : " spans"),
        connection -> {
          TraceLocks.lock(connection, traces);
          Map<TraceKey, TraceRows.Stored> stored = TraceRows.findForMerge(connection, traces);
          // a completed revision stored its spans: those the batch repeats (a span writer behind
          // the completed-trace writer) are left out before the copy, not met by it
          List<TraceKey> completed =
              stored.entrySet().stream()
                  .filter(row -> row.getValue().trace().revision() > 0)
                  .map(Map.Entry::getKey)
                  .toList();
          Map<TraceKey, List<Span>> added =
              SpanRows.insertNew(
                  connection, SpanRows.withoutStored(connection, distinct, completed), spanWrites);
          if (added.isEmpty()) {
            return Set.of();
          }
          TraceRows.upsertInProgress(connection, merged(connection, added, stored).values());
          return Set.copyOf(added.keySet());
        });
  }

  /**
   * Stores one completed trace revision and what its project's rules and queues decide for it, in
   * one transaction:
   *
   * <ol>
   *   <li>inserts the revision's spans not stored yet (the stored span ids are read first, so spans
   *       already stored are neither encoded nor sent again);
   *   <li>unless the stored revision is the same or newer, records the revision (number, completion
   *       reason, and how many stored spans it covers). The trace becomes {@code complete} with the
   *       revision's rollup only if the revision covers every stored span. If the store already
   *       holds spans the revision does not include (late spans the span writer stored first), the
   *       trace stays {@code in_progress} with the rollup over every stored span, until a revision
   *       covers them. A {@linkplain CompletedTrace#getPartial() partial} revision (the late spans
   *       after the stream's retention) covers the spans the previously recorded revision covered
   *       plus its own; its rollup is always over every stored span. A revision the same as or
   *       older than the stored one changes the row only if it brought spans the store did not have
   *       (they are merged in, the trace {@code in_progress});
   *   <li>unless the stored revision is newer: asks {@code decider} with the trace as now stored
   *       (with its scores and the number of earlier triggers no score answers, for score filters),
   *       records its triggers of turn first and every in {@code fired_triggers} (a trigger id
   *       stored already keeps its row), schedules its triggers of turn last in {@code
   *       pending_triggers} (unless already fired) after dropping the unclaimed pending triggers of
   *       older revisions, and adds the trace to its queues (once per queue). A revision that
   *       leaves the trace in progress fires like any other: it was a real completion.
   * </ol>
   *
   * @param trace the completed revision; revision must be >= 1
   * @param decider what the revision fires and which queues take it; called at most once, inside
   *     the transaction
   * @return whether the revision is current, and the triggers of turn first and every to publish
   *     for it: those recorded now and by earlier attempts (for a revision older than the stored
   *     one, only those recorded earlier)
   * @throws IllegalArgumentException if the revision is below 1, the project id is empty or
   *     contains '/', the revision holds no span, a span belongs to another trace, or the decider
   *     returns a trigger of another trace or revision
   * @throws TraceStoreException if the database fails; nothing of the call is stored
   */
  public CompletedWrite writeCompleted(CompletedTrace trace, CompletionDecider decider) {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(decider, "decider");
    return writeCompleted(List.of(trace), t -> decider).get(0);
  }

  /**
   * Stores completed trace revisions as {@link #writeCompleted(CompletedTrace, CompletionDecider)}
   * stores each, in as few database transactions as the revisions allow: one for all of them when
   * they belong to distinct traces (one statement per step for all of them), one more for each
   * further revision of a trace in the list. A trace's revisions are stored in list order.
   *
   * @param traces the completed revisions, each as {@link #writeCompleted(CompletedTrace,
   *     CompletionDecider)} accepts it
   * @param deciders the decider of each revision (called at most once per revision, inside the
   *     transaction)
   * @return what was done with each revision, in list order
   * @throws IllegalArgumentException if any revision is invalid (before anything is written) or a
   *     decider returns a trigger of another trace or revision (nothing of that transaction is
   *     stored): store the revisions one at a time to find it
   * @throws TraceStoreException if the database fails; nothing of the failed transaction is stored
   *     (earlier transactions of the call are)
   */
  public List<CompletedWrite> writeCompleted(
      List<CompletedTrace> traces, Function<CompletedTrace, CompletionDecider> deciders) {
    Objects.requireNonNull(traces, "traces");
    Objects.requireNonNull(deciders, "deciders");
    List<List<Integer>> rounds = new ArrayList<>();
    Map<TraceKey, Integer> seen = new HashMap<>();
    List<CompletedWrites.Revision> revisions = new ArrayList<>(traces.size());
    for (CompletedTrace trace : traces) {
      CompletedWrites.Revision revision =
          CompletedWrites.Revision.of(
              trace, Objects.requireNonNull(deciders.apply(trace), "decider"));
      int round = seen.merge(revision.key(), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(revisions.size());
      revisions.add(revision);
    }
    CompletedWrite[] writes = new CompletedWrite[revisions.size()];
    for (List<Integer> round : rounds) {
      List<CompletedWrites.Revision> inRound = round.stream().map(revisions::get).toList();
      List<CompletedWrite> written =
          transactions.write(
              inRound.size() == 1
                  ? "write completed trace "
                      + inRound.get(0).key()
                      + " revision "
                      + inRound.get(0).revision()
                  : "write " + inRound.size() + " completed trace revisions",
              connection ->
                  CompletedWrites.write(connection, inRound, TraceStore::merged, spanWrites));
      for (int i = 0; i < round.size(); i++) {
        writes[round.get(i)] = written.get(i);
      }
    }
    return List.of(writes);
  }

  /**
   * Lists one page of a project's traces that match a filter, in the query's order (ties broken by
   * trace id in the same direction), with the number of matching traces counted up to {@link
   * #COUNT_LIMIT}. The page and the count read one snapshot.
   *
   * @param projectId the project; traces of other projects are never listed
   * @param query filter, sort and page (by number, or after a {@link
   *     dev.tracefold.store.query.KeysetPosition} from an earlier page's {@link TracePage#next()})
   * @return the page; a page past the end is empty
   * @throws TraceStoreException if the database fails
   */
  public TracePage listTraces(String projectId, TraceQuery query) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(query, "query");
    return transactions.read(
        "list traces of project " + projectId,
        connection -> TraceListing.list(connection, PgValues.text(projectId), query, COUNT_LIMIT));
  }

  /**
   * Finds one trace with its first spans (start order; at most {@link #DETAIL_MAX_SPANS} and {@link
   * #PAGE_MAX_SPAN_BYTES} of them: fewer than its rollup's span count means more are stored, read
   * them with {@link #findSpans}), fired triggers (each saying whether a score answers it),
   * annotations and scores (creation order).
   *
   * @return the trace, or empty if the project has no trace with this id
   * @throws TraceStoreException if the database fails
   */
  public Optional<StoredTrace> findTrace(String projectId, String traceId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    String project = PgValues.text(projectId);
    String trace = PgValues.text(traceId);
    return transactions.read(
        "find trace " + projectId + "/" + traceId,
        connection -> {
          Optional<StoredTrace> found = TraceRows.find(connection, project, trace);
          if (found.isEmpty()) {
            return found;
          }
          // project ids never contain '/', so this key is valid whenever a row exists
          TraceKey key = new TraceKey(project, trace);
          return Optional.of(
              found
                  .get()
                  .withDetails(
                      SpanRows.page(connection, key, null, DETAIL_MAX_SPANS, PAGE_MAX_SPAN_BYTES)
                          .spans(),
                      TriggerRows.list(connection, key),
                      AnnotationRows.list(connection, key),
                      ScoreRows.list(connection, key),
                      ScoreRows.pendingTriggers(connection, key)));
        });
  }

  /**
   * One page of a trace's stored spans in start order (start time, then span id), at most {@code
   * limit} spans and {@link #PAGE_MAX_SPAN_BYTES} of payload.
   *
   * @param after where the previous page ended ({@link SpanPage#next()}); null for the first page
   * @param limit most spans on the page, 1 to {@link #DETAIL_MAX_SPANS}
   * @return the page, or empty if the project has no trace with this id
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws TraceStoreException if the database fails
   */
  public Optional<SpanPage> findSpans(
      String projectId, String traceId, SpanPage.Position after, int limit) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    if (limit < 1 || limit > DETAIL_MAX_SPANS) {
      throw new IllegalArgumentException(
          "limit must be within 1.." + DETAIL_MAX_SPANS + ", was " + limit);
    }
    String project = PgValues.text(projectId);
    String trace = PgValues.text(traceId);
    return transactions.read(
        "find spans of " + projectId + "/" + traceId,
        connection -> {
          if (TraceRows.find(connection, project, trace).isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(
              SpanRows.page(
                  connection, new TraceKey(project, trace), after, limit, PAGE_MAX_SPAN_BYTES));
        });
  }

  /**
   * The distinct sources of a project's traces (how their root spans arrived, e.g. {@code
   * otlp-http-json}), sorted. A loose index scan: one index probe per distinct source.
   *
   * @throws TraceStoreException if the database fails
   */
  public List<String> listSources(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    String project = PgValues.text(projectId);
    return transactions.read(
        "list the sources of project " + projectId, connection -> sources(connection, project));
  }

  /**
   * The values of the project's recent traces in the fields filters match by value (models,
   * providers, service names, tags, metadata keys) and its sources, for a filter panel; see {@link
   * TraceFacets} for the bounds.
   *
   * @throws TraceStoreException when PostgreSQL fails
   */
  public TraceFacets facets(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    String project = PgValues.text(projectId);
    return transactions.read(
        "read the filter values of project " + projectId,
        connection -> TraceFacetQuery.read(connection, project, sources(connection, project)));
  }

  private static List<String> sources(Connection connection, String project) throws SQLException {
    List<String> sources = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(SOURCES_SQL)) {
      statement.setString(1, project);
      statement.setString(2, project);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          sources.add(rows.getString(1));
        }
      }
    }
    return sources;
  }

  /** Projects and their API keys, on this store's pool. */
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  /** User tags, annotations, saving and deletion of stored traces, on this store's pool. */
  public TraceCuration curation() {
    return curation;
  }

  /** Sessions (traces grouped by session id, with totals), on this store's pool. */
  public SessionStore sessions() {
    return sessions;
  }

  /** Trace sets (frozen lists of trace ids), on this store's pool. */
  public TraceSetStore traceSets() {
    return traceSets;
  }

  /** Evaluation rules of projects, on this store's pool. */
  public EvaluationRuleStore evaluationRules() {
    return evaluationRules;
  }

  /** Annotation queues and their items, on this store's pool. */
  public AnnotationQueueStore annotationQueues() {
    return annotationQueues;
  }

  /** Triggers of turn last waiting for their delay, on this store's pool. */
  public PendingTriggerStore pendingTriggers() {
    return pendingTriggers;
  }

  /** Scores of traces (verdicts of evaluators and people), on this store's pool. */
  public ScoreStore scores() {
    return scores;
  }

  /** Closes the connection pool. Idempotent. */
  @Override
  public void close() {
    dataSource.close();
  }

  /**
   * The rollups of traces after spans were added to them: each stored rollup with its added spans
   * merged in (finding the root among the stored spans when it is an orphan); recomputed from every
   * stored span when the row has no merge state (stored before schema version 6) or when no spans
   * were added to a row without one. A trace without a row has no other stored span than the added
   * ones: spans are only ever stored together with their trace row, and deleted with it.
   *
   * @param added the spans inserted now, by trace (possibly none for a trace)
   * @param stored the traces' rows, as {@link TraceRows#findForMerge} read them before the write
   */
  private static Map<TraceKey, IncrementalRollup> merged(
      Connection connection,
      Map<TraceKey, List<Span>> added,
      Map<TraceKey, TraceRows.Stored> stored)
      throws SQLException {
    List<TraceKey> needRoot = new ArrayList<>();
    added.forEach(
        (key, spans) -> {
          TraceRows.Stored row = stored.get(key);
          if (row != null
              && !spans.isEmpty()
              && row.incremental().map(r -> r.needsStoredRoot(spans)).orElse(false)) {
            needRoot.add(key);
          }
        });
    Map<TraceKey, Span> roots = SpanRows.findOrphanRoots(connection, needRoot);
    Map<TraceKey, IncrementalRollup> merged = new LinkedHashMap<>();
    for (Map.Entry<TraceKey, List<Span>> entry : added.entrySet()) {
      TraceKey key = entry.getKey();
      List<Span> spans = entry.getValue();
      TraceRows.Stored row = stored.get(key);
      Optional<IncrementalRollup> current = row == null ? Optional.empty() : row.incremental();
      IncrementalRollup next;
      if (current.isPresent() && !spans.isEmpty()) {
        next = current.get().merge(spans, roots.get(key));
      } else if (current.isPresent()) {
        next = current.get();
      } else if (row == null) {
        next = IncrementalRollup.of(key, spans);
      } else {
        next = IncrementalRollup.of(key, SpanRows.load(connection, key));
      }
      merged.put(key, next);
    }
    return merged;
  }

  /** The message of the first SQLException in the cause chain, else of the root cause. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException) {
        return String.valueOf(t.getMessage());
      }
      root = t;
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
