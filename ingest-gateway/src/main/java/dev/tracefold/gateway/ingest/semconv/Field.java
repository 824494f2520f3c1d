package dev.tracefold.gateway.ingest.semconv;

import java.util.List;

/**
 * A typed value the conventions derive from a span: the LLM fields of the Avro {@code Span}, plus
 * {@link #RESPONSE_MODEL} (used to price the call). Constants only; compared by identity.
 *
 * @param <T> the value type
 */
public final class Field<T> {
  /** Model requested; falls back to {@link #RESPONSE_MODEL} when no convention names one. */
  public static final Field<String> MODEL = new Field<>("model");

  /** Model that produced the response (often a dated snapshot); preferred for pricing. */
  public static final Field<String> RESPONSE_MODEL = new Field<>("responseModel");

  /** Model provider as the instrumentation names it (e.g. {@code openai}, {@code aws.bedrock}). */
  public static final Field<String> PROVIDER = new Field<>("provider");

  /** Input (prompt) tokens, including cached ones. */
  public static final Field<Long> INPUT_TOKENS = new Field<>("inputTokens");

  /** Output (completion) tokens, including reasoning ones. */
  public static final Field<Long> OUTPUT_TOKENS = new Field<>("outputTokens");

  /** Input tokens served from a prompt cache (part of {@link #INPUT_TOKENS}). */
  public static final Field<Long> CACHE_READ_TOKENS = new Field<>("cacheReadTokens");

  /** Input tokens written to a prompt cache (part of {@link #INPUT_TOKENS}). */
  public static final Field<Long> CACHE_WRITE_TOKENS = new Field<>("cacheWriteTokens");

  /** Output tokens spent on reasoning (part of {@link #OUTPUT_TOKENS}). */
  public static final Field<Long> REASONING_TOKENS = new Field<>("reasoningTokens");

  /** Cost the instrumentation or provider reported, in microcents (1 USD = 100,000,000). */
  public static final Field<Long> REPORTED_COST_MICROCENTS = new Field<>("reportedCostMicrocents");

  /** From span start (or request issue) to the first streamed token, in nanoseconds. */
  public static final Field<Long> TIME_TO_FIRST_TOKEN_NANOS = new Field<>("timeToFirstTokenNanos");

  /** Session (conversation, thread) id. */
  public static final Field<String> SESSION_ID = new Field<>("sessionId");

  /** End-user id. */
  public static final Field<String> USER_ID = new Field<>("userId");

  /** Tags, distinct, in the order given. */
  public static final Field<List<String>> TAGS = new Field<>("tags");

  /** The span's input (prompt, messages, tool arguments) as text. */
  public static final Field<String> INPUT = new Field<>("input");

  /** The span's output (completion, messages, tool result) as text. */
  public static final Field<String> OUTPUT = new Field<>("output");

  private final String name;

  private Field(String name) {
    this.name = name;
  }

  /** The field's name, as in the Avro {@code Span} where it has one. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
