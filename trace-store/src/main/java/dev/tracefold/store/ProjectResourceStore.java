package dev.tracefold.store;

import java.util.Optional;

/**
 * The create, read, update and delete of a project's named resources (evaluation rules, annotation
 * queues), as one interface so that the API serves them with one set of routes. Ids are the store's
 * own (random, URL-safe); a resource of another project is never found.
 *
 * @param <D> what a client defines (e.g. {@link RuleDefinition})
 * @param <R> the stored resource (e.g. {@link EvaluationRule})
 */
public interface ProjectResourceStore<D, R> {
  /**
   * Stores a new resource.
   *
   * @throws IllegalArgumentException if the project id is invalid
   * @throws TraceStoreException if the database fails
   */
  R create(String projectId, D definition);

  /**
   * Replaces a resource's definition.
   *
   * @return the resource as stored now, or empty if the project has no such resource
   * @throws TraceStoreException if the database fails
   */
  Optional<R> update(String projectId, String id, D definition);

  /**
   * One resource, or empty if the project has no such resource.
   *
   * @throws TraceStoreException if the database fails
   */
  Optional<R> find(String projectId, String id);

  /**
   * One page of the project's resources, oldest first.
   *
   * @param page 1-based
   * @param pageSize resources per page
   * @throws IllegalArgumentException if the page or its size is out of range
   * @throws TraceStoreException if the database fails
   */
  Page<R> list(String projectId, int page, int pageSize);

  /**
   * Deletes a resource (and what belongs to it).
   *
   * @return false if the project had no such resource
   * @throws TraceStoreException if the database fails
   */
  boolean delete(String projectId, String id);
}
