package dev.tracefold.store.trace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link TraceFacets} in one statement over the project's newest traces. *
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceFacetQuery {
  private static final String SQL =
      "WITH recent AS (SELECT models, providers, service_names, tags || user_tags AS tags,"
          + " metadata FROM traces WHERE project_id = ?"
          + " ORDER BY start_epoch_nanos DESC, trace_id DESC LIMIT ?),"
          + " counted AS ("
          + " SELECT 'models' AS facet, v, count(*) AS n FROM recent, unnest(models) v GROUP BY v"
          + " UNION ALL SELECT 'providers', v, count(*) FROM recent, unnest(providers) v GROUP BY v"
          + " UNION ALL SELECT 'service_names', v, count(*) FROM recent, unnest(service_names) v"
          + " GROUP BY v"
          + " UNION ALL SELECT 'tags', v, count(*) FROM recent, unnest(tags) v GROUP BY v"
          + " UNION ALL SELECT 'metadata_keys', k, count(*) FROM recent,"
          + " jsonb_object_keys(CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata"
          + " ELSE '{}'::jsonb END) k GROUP BY k),"
          + " ranked AS (SELECT facet, v, row_number() OVER (PARTITION BY facet"
          + " ORDER BY n DESC, v) AS r FROM counted)"
          + " SELECT facet, v FROM ranked WHERE r <= ? ORDER BY facet, v";

  private TraceFacetQuery() {}

  public static TraceFacets read(Connection connection, String project, List<String> sources)
      throws SQLException {
    Map<String, List<String>> values = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(SQL)) {
      statement.setString(1, project);
      statement.setInt(2, TraceFacets.RECENT_TRACES);
      statement.setInt(3, TraceFacets.MAX_VALUES);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          values.computeIfAbsent(rows.getString(1), f -> new ArrayList<>()).add(rows.getString(2));
        }
      }
    }
    return new TraceFacets(
        values.getOrDefault("models", List.of()),
        values.getOrDefault("providers", List.of()),
        values.getOrDefault("service_names", List.of()),
        values.getOrDefault("tags", List.of()),
        values.getOrDefault("metadata_keys", List.of()),
        sources);
  }
}
