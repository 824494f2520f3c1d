package dev.tracefold.store.evaluation;

import dev.tracefold.store.Page;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.sql.ResourceTable;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The create, read, update and delete of a project's named resources (evaluation rules, annotation
 * queues): written once here over a {@link ResourceTable}, so that each store only states its SQL
 * and columns, and the API serves every such store with one set of routes. Ids are the store's own
 * (random UUIDs); every method but {@link #listEnabled} acts on one project, and a resource of
 * another project is never found (empty, or false). Only trace-store defines stores of this kind.
 * Thread-safe.
 *
 * @param <D> what a client defines (e.g. {@link RuleDefinition})
 * @param <R> the stored resource (e.g. {@link EvaluationRule})
 */
public abstract class ProjectResourceStore<D, R> {
  private final ResourceTable<R> table;
  private final String insertSql;
  private final String updateSql;
  private final String listEnabledSql;
  private final String[] deleteAlso;

  /**
   * @param insertSql {@code INSERT ... RETURNING} the columns; parameters: project id, new id, then
   *     those {@link #bind} binds
   * @param updateSql {@code UPDATE ... WHERE project_id = ? AND <id> = ? RETURNING} the columns;
   *     parameters: those {@link #bind} binds, then project id and id
   * @param listEnabledSql every enabled resource of every project, without parameters
   * @param deleteAlso statements run after a delete (parameters: project id, id), in its
   *     transaction
   */
  ProjectResourceStore(
      ResourceTable<R> table,
      String insertSql,
      String updateSql,
      String listEnabledSql,
      String... deleteAlso) {
    this.table = Objects.requireNonNull(table, "table");
    this.insertSql = Objects.requireNonNull(insertSql, "insertSql");
    this.updateSql = Objects.requireNonNull(updateSql, "updateSql");
    this.listEnabledSql = Objects.requireNonNull(listEnabledSql, "listEnabledSql");
    this.deleteAlso = deleteAlso.clone();
  }

  /** Binds a definition's parameters from {@code index} on; returns the next free index. */
  abstract int bind(PreparedStatement statement, int index, D definition) throws SQLException;

  /**
   * Stores a new resource with a new id.
   *
   * @throws TraceStoreException if the database fails
   */
  public final R create(String projectId, D definition) {
    Objects.requireNonNull(definition, "definition");
    return table.create(projectId, insertSql, (statement, i) -> bind(statement, i, definition));
  }

  /**
   * Replaces a resource's definition.
   *
   * @return the resource as stored now, or empty if the project has no such resource
   * @throws TraceStoreException if the database fails
   */
  public final Optional<R> update(String projectId, String id, D definition) {
    Objects.requireNonNull(definition, "definition");
    return table.update(projectId, id, updateSql, (statement, i) -> bind(statement, i, definition));
  }

  /**
   * One resource, or empty if the project has no such resource.
   *
   * @throws TraceStoreException if the database fails
   */
  public final Optional<R> find(String projectId, String id) {
    return table.find(projectId, id);
  }

  /**
   * One page of the project's resources, oldest first.
   *
   * @param page 1-based page number
   * @param pageSize resources per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @throws IllegalArgumentException if the page or its size is out of range
   * @throws TraceStoreException if the database fails
   */
  public final Page<R> list(String projectId, int page, int pageSize) {
    return table.page(projectId, page, pageSize);
  }

  /**
   * Every enabled resource of every project, by project then id: what the sink caches.
   *
   * @throws TraceStoreException if the database fails
   */
  public final List<R> listEnabled() {
    return table.query("list the enabled " + table.noun() + "s", listEnabledSql);
  }

  /**
   * Deletes a resource (and what belongs to it).
   *
   * @return false if the project had no such resource
   * @throws TraceStoreException if the database fails
   */
  public final boolean delete(String projectId, String id) {
    return table.delete(projectId, id, deleteAlso);
  }
}
