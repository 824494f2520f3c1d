package dev.tracefold.gateway.ingest;

import com.typesafe.config.Config;

/**
 * The resource bounds every transport applies ({@code tracefold.gateway.max-*} in reference.conf).
 * Immutable.
 *
 * <p>The request size cap ({@code max-request-bytes}) stays in the gateway settings; these are the
 * bounds on what a request may contain.
 *
 * @param maxSpansPerRequest most spans one request (OTLP export, {@code POST /api/v1/traces}) may
 *     carry, counting every nested span; more is refused as a whole (HTTP 413, gRPC {@code
 *     INVALID_ARGUMENT}); an upload is ingested in batches of this size (default 10,000)
 * @param maxAttributesPerSpan most attributes kept per span and per span event, in arrival order;
 *     the rest are dropped and counted (default 128, as OpenTelemetry SDKs' {@code
 *     OTEL_ATTRIBUTE_COUNT_LIMIT})
 * @param maxAttributeValueLength longest string attribute value kept, in UTF-16 characters; longer
 *     values are truncated and counted (default 8192; OpenTelemetry SDKs' {@code
 *     OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT} is unlimited by default)
 * @param maxJsonNestingDepth deepest JSON nesting (objects and arrays) a JSON body may have
 *     (Jackson {@code StreamReadConstraints.maxNestingDepth}; default 128, which leaves room for
 *     about 60 levels of nested native spans)
 * @param maxJsonStringLength longest JSON string value, in characters (Jackson {@code
 *     StreamReadConstraints.maxStringLength}; default 4 MiB)
 * @param maxUploadBytes largest file {@code POST /api/v1/traces/upload} accepts, as sent and after
 *     decompression (default 50 MiB)
 * @param maxInputOutputLength longest span {@code input} and {@code output} kept, in UTF-16
 *     characters: they are derived from attributes (or native fields) before attributes are
 *     limited, so without their own bound one large attribute was stored twice, once uncut (issue
 *     #12); longer ones are truncated and counted (default 262,144: prompts and answers of agent
 *     runs fit, a runaway dump does not)
 */
public record IngestLimits(
    int maxSpansPerRequest,
    int maxAttributesPerSpan,
    int maxAttributeValueLength,
    int maxJsonNestingDepth,
    int maxJsonStringLength,
    int maxUploadBytes,
    int maxInputOutputLength) {
  /** Default {@link #maxSpansPerRequest}. */
  public static final int DEFAULT_MAX_SPANS_PER_REQUEST = 10_000;

  /** Default {@link #maxAttributesPerSpan}. */
  public static final int DEFAULT_MAX_ATTRIBUTES_PER_SPAN = 128;

  /** Default {@link #maxAttributeValueLength}. */
  public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 8192;

  /** Default {@link #maxJsonNestingDepth}. */
  public static final int DEFAULT_MAX_JSON_NESTING_DEPTH = 128;

  /** Default {@link #maxJsonStringLength}: 4 MiB characters. */
  public static final int DEFAULT_MAX_JSON_STRING_LENGTH = 4 * 1024 * 1024;

  /** Default {@link #maxUploadBytes}: 50 MiB. */
  public static final int DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

  /** Default {@link #maxInputOutputLength}: 256 Ki characters. */
  public static final int DEFAULT_MAX_INPUT_OUTPUT_LENGTH = 256 * 1024;

  /**
   * @throws IllegalArgumentException naming the setting, if a value is not positive
   */
  public IngestLimits {
    positive("max-spans-per-request", maxSpansPerRequest);
    positive("max-attributes-per-span", maxAttributesPerSpan);
    positive("max-attribute-value-length", maxAttributeValueLength);
    positive("max-json-nesting-depth", maxJsonNestingDepth);
    positive("max-json-string-length", maxJsonStringLength);
    positive("max-upload-bytes", maxUploadBytes);
    positive("max-input-output-length", maxInputOutputLength);
  }

  /** The defaults (see each component). */
  public static IngestLimits defaults() {
    return new IngestLimits(
        DEFAULT_MAX_SPANS_PER_REQUEST,
        DEFAULT_MAX_ATTRIBUTES_PER_SPAN,
        DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
        DEFAULT_MAX_JSON_NESTING_DEPTH,
        DEFAULT_MAX_JSON_STRING_LENGTH,
        DEFAULT_MAX_UPLOAD_BYTES,
        DEFAULT_MAX_INPUT_OUTPUT_LENGTH);
  }

  /**
   * Reads the limits from the {@code tracefold.gateway} block.
   *
   * @param gateway the {@code tracefold.gateway} sub-configuration
   * @throws com.typesafe.config.ConfigException if a setting is missing or malformed
   * @throws IllegalArgumentException if a value is out of range
   */
  public static IngestLimits from(Config gateway) {
    return new IngestLimits(
        gateway.getInt("max-spans-per-request"),
        gateway.getInt("max-attributes-per-span"),
        gateway.getInt("max-attribute-value-length"),
        gateway.getInt("max-json-nesting-depth"),
        size(gateway, "max-json-string-length"),
        size(gateway, "max-upload-bytes"),
        size(gateway, "max-input-output-length"));
  }

  /** A copy with another {@link #maxSpansPerRequest}. */
  public IngestLimits withMaxSpansPerRequest(int spans) {
    return new IngestLimits(
        spans,
        maxAttributesPerSpan,
        maxAttributeValueLength,
        maxJsonNestingDepth,
        maxJsonStringLength,
        maxUploadBytes,
        maxInputOutputLength);
  }

  /** A copy with other attribute limits. */
  public IngestLimits withAttributeLimits(int attributesPerSpan, int attributeValueLength) {
    return new IngestLimits(
        maxSpansPerRequest,
        attributesPerSpan,
        attributeValueLength,
        maxJsonNestingDepth,
        maxJsonStringLength,
        maxUploadBytes,
        maxInputOutputLength);
  }

  /** A copy with other JSON limits. */
  public IngestLimits withJsonLimits(int nestingDepth, int stringLength) {
    return new IngestLimits(
        maxSpansPerRequest,
        maxAttributesPerSpan,
        maxAttributeValueLength,
        nestingDepth,
        stringLength,
        maxUploadBytes,
        maxInputOutputLength);
  }

  /** A copy with another {@link #maxUploadBytes}. */
  public IngestLimits withMaxUploadBytes(int bytes) {
    return new IngestLimits(
        maxSpansPerRequest,
        maxAttributesPerSpan,
        maxAttributeValueLength,
        maxJsonNestingDepth,
        maxJsonStringLength,
        bytes,
        maxInputOutputLength);
  }

  /** A copy with another {@link #maxInputOutputLength}. */
  public IngestLimits withMaxInputOutputLength(int chars) {
    return new IngestLimits(
        maxSpansPerRequest,
        maxAttributesPerSpan,
        maxAttributeValueLength,
        maxJsonNestingDepth,
        maxJsonStringLength,
        maxUploadBytes,
        chars);
  }

  /**
   * Refuses a request that carries more than {@link #maxSpansPerRequest} spans.
   *
   * @param spans the spans the request carries
   * @throws RequestRefusedException 413, with a message naming the count, the limit and what to do
   */
  public void checkSpansPerRequest(int spans) {
    if (spans > maxSpansPerRequest) {
      throw new RequestRefusedException(
          413,
          "request carries "
              + spans
              + " spans, more than the limit of "
              + maxSpansPerRequest
              + " (tracefold.gateway.max-spans-per-request); send at most "
              + maxSpansPerRequest
              + " spans per request");
    }
  }

  /**
   * A client-facing message for a JSON body that broke a Jackson {@code StreamReadConstraints}
   * limit, naming the limit and its setting.
   *
   * @param jacksonMessage the message of Jackson's {@code StreamConstraintsException}
   */
  public String jsonLimitMessage(String jacksonMessage) {
    String message = String.valueOf(jacksonMessage);
    if (message.contains("nesting depth")) {
      return "JSON nesting is deeper than the limit of "
          + maxJsonNestingDepth
          + " (tracefold.gateway.max-json-nesting-depth)";
    }
    if (message.contains("String value length")) {
      return "a JSON string is longer than the limit of "
          + maxJsonStringLength
          + " characters (tracefold.gateway.max-json-string-length)";
    }
    int newline = message.indexOf('\n');
    return "JSON exceeds a limit: " + (newline < 0 ? message : message.substring(0, newline));
  }

  private static int size(Config gateway, String path) {
    long bytes = gateway.getBytes(path);
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tracefold.gateway." + path + " must be below 2 GiB, was " + bytes);
    }
    return (int) bytes;
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "tracefold.gateway." + name + " must be positive, was " + value);
    }
  }
}
