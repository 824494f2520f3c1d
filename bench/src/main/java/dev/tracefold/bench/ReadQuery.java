package dev.tracefold.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One read API query of {@link ReadApiBench}: a name, the request as the report shows it, and the
 * path of the n-th request (queries whose value rotates, e.g. through session ids, send a different
 * one each time). Immutable.
 *
 * @param name what is measured, e.g. {@code filter: status=ERROR}
 * @param shown the request line shown in the report
 * @param path path and query of request number n, from 0
 */
record ReadQuery(String name, String shown, LongFunction<String> path) {
  /**
   * The list path with {@code page_size=50} and {@code parameters} ({@code &}-joined, already
   * encoded).
   */
  static String list(String parameters) {
    return "/api/v1/traces?page_size=50" + (parameters.isEmpty() ? "" : "&" + parameters);
  }

  /**
   * The query's request number of client {@code client}'s request number {@code sequence} (both
   * from 0) among {@code clients} clients: the clients' requests interleaved, so that {@link
   * #cycle} gives every value in turn however many values there are.
   */
  static long requestNumber(int client, long sequence, int clients) {
    return sequence * clients + client;
  }

  /** The n-th value, cycling. */
  static String cycle(List<String> values, long n) {
    return values.get((int) (n % values.size()));
  }

  /** URL-encodes a query value. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A query whose path is the same every time. */
  static ReadQuery fixed(String name, String path) {
    return new ReadQuery(name, "GET " + path, n -> path);
  }
}
