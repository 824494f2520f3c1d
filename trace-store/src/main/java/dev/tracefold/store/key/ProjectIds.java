package dev.tracefold.store.key;

import java.util.regex.Pattern;

/**
 * The shape of project ids: 1 to 64 characters of {@code A-Z}, {@code a-z}, {@code 0-9}, {@code _},
 * {@code .} and {@code -} (so never {@code /}, which separates project and trace in topic keys).
 * The {@code projects} table checks the same pattern. Stateless and thread-safe.
 */
public final class ProjectIds {
  /** The project of the standalone pipeline's development key. */
  public static final String DEFAULT = "default";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private ProjectIds() {}

  /** True if {@code projectId} is a valid project id. */
  public static boolean isValid(String projectId) {
    return projectId != null && VALID.matcher(projectId).matches();
  }

  /**
   * Returns {@code projectId} if valid.
   *
   * @throws IllegalArgumentException saying what a project id may contain, and what was given
   */
  public static String check(String projectId) {
    if (!isValid(projectId)) {
      String shown =
          projectId == null
              ? "null"
              : "'"
                  + (projectId.length() > 80 ? projectId.substring(0, 80) + "..." : projectId)
                  + "'";
      throw new IllegalArgumentException(
          "a project id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', got "
              + shown);
    }
    return projectId;
  }
}
