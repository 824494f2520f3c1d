package dev.tracefold.store.evaluation;

import java.util.Locale;

/** Which revisions of a trace an evaluation rule fires for. */
public enum RuleTurn {
  /** Only revision 1, the trace's first completion. */
  FIRST,
  /** Every revision. */
  EVERY,
  /**
   * A revision once no newer revision of the trace has followed it for the rule's delay ({@link
   * RuleDefinition#lastDelayMillis()}): at most once per quiet spell of the trace.
   */
  LAST;

  /** The name in the API and the database: {@code first}, {@code every}, {@code last}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The turn of a wire name.
   *
   * @throws IllegalArgumentException if {@code wireName} is not {@code first}, {@code every} or
   *     {@code last}
   */
  public static RuleTurn fromWireName(String wireName) {
    for (RuleTurn turn : values()) {
      if (turn.wireName().equals(wireName)) {
        return turn;
      }
    }
    throw new IllegalArgumentException(
        "Unknown turn '" + wireName + "'; expected first, every or last");
  }
}
