package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.InvalidScoreException;
import dev.tracefold.store.evaluation.NewScore;
import dev.tracefold.store.evaluation.ScoreSource;
import dev.tracefold.store.evaluation.ScoreStore;
import dev.tracefold.store.evaluation.ScoreWrite;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Scores: the verdicts of evaluators and people on a trace, as data ({@code {id}}: 32 hex
 * characters; 404 when the project has no such trace):
 *
 * <ul>
 *   <li>{@code POST /api/v1/traces/{id}/scores} {@code {"evaluator", "evaluator_version"?,
 *       "trigger_id"?, "revision"?, "passed"?, "value"?, "label"?, "reason"?, "source"?,
 *       "created_by"?}}: 201 with the stored score; 200 with the score stored earlier when the
 *       evaluator already answered the trigger (a replay changes nothing). At least one of {@code
 *       passed}, {@code value} and {@code label} is required; {@code trigger_id} must be one fired
 *       for the trace, whose revision the score takes; {@code source} is {@code evaluation} (the
 *       default), {@code annotation} (a person: {@code created_by} required) or {@code custom}.
 * </ul>
 *
 * {@code GET /api/v1/traces/{id}} lists the scores ({@link TraceDetailService}); the filters {@code
 * evaluator}, {@code passed}, {@code min_score}, {@code max_score}, {@code label} and {@code
 * score_pending} select by them ({@link dev.tracefold.store.query.TraceFilterParams}). Thread-safe.
 */
final class ScoreService {
  static final String PATH = "/api/v1/traces/{id}/scores";
  static final int MAX_NAME_LENGTH = 200;
  static final int MAX_REASON_LENGTH = 10_000;

  private static final List<String> FIELDS =
      List.of(
          "evaluator",
          "evaluator_version",
          "trigger_id",
          "revision",
          "passed",
          "value",
          "label",
          "reason",
          "source",
          "created_by");
  private static final String EXAMPLE =
      "{\"evaluator\": \"helpfulness-judge\", \"trigger_id\": \"...\", \"passed\": false,"
          + " \"value\": 0.2, \"label\": \"unhelpful\", \"reason\": \"did not answer\"}";

  private final ScoreStore scores;

  ScoreService(TraceStore store) {
    this.scores = Objects.requireNonNull(store, "store").scores();
  }

  void addTo(ServerBuilder server) {
    server.route().post(PATH).build(ApiHandlers.service(this::write));
  }

  private HttpResponse write(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body = ApiBodies.object(request, FIELDS, EXAMPLE);
    String evaluator = ApiBodies.text(body, "evaluator", true, MAX_NAME_LENGTH);
    String version = ApiBodies.text(body, "evaluator_version", false, MAX_NAME_LENGTH);
    String triggerId = ApiBodies.text(body, "trigger_id", false, MAX_NAME_LENGTH);
    Long revision = ApiBodies.wholeNumber(body, "revision", 0, Integer.MAX_VALUE);
    Boolean passed = ApiBodies.bool(body, "passed");
    Double value = ApiBodies.number(body, "value");
    String label = ApiBodies.text(body, "label", false, MAX_NAME_LENGTH);
    String reason = ApiBodies.text(body, "reason", false, MAX_REASON_LENGTH);
    ScoreSource source = source(body);
    String createdBy = ApiBodies.text(body, "created_by", false, MAX_NAME_LENGTH);
    if (passed == null && value == null && label == null) {
      throw ApiException.badRequest(
          "body", "a score needs at least one of passed, value and label; e.g. " + EXAMPLE);
    }
    if (source == ScoreSource.ANNOTATION && createdBy == null) {
      throw ApiException.badRequest(
          "created_by", "created_by is required with source annotation: the person who judged");
    }
    NewScore score =
        new NewScore(
            evaluator,
            version,
            triggerId,
            revision == null ? null : revision.intValue(),
            passed,
            value,
            label,
            reason,
            source,
            createdBy);
    ScoreWrite written;
    try {
      written =
          scores
              .write(projectId, traceId, score)
              .orElseThrow(() -> ApiException.traceNotFound(projectId, traceId));
    } catch (InvalidScoreException e) {
      throw ApiException.badRequest(e.field(), e.getMessage());
    }
    return ApiHandlers.json(
        written.created() ? HttpStatus.CREATED : HttpStatus.OK, TraceJson.score(written.score()));
  }

  private static ScoreSource source(ObjectNode body) {
    String text = ApiBodies.text(body, "source", false, MAX_NAME_LENGTH);
    if (text == null) {
      return ScoreSource.EVALUATION;
    }
    try {
      return ScoreSource.fromWireName(text.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "source",
          "source must be evaluation, annotation or custom, got '"
              + ApiRequests.abbreviate(text)
              + "'");
    }
  }
}
