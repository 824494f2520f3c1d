package dev.tracefold.gateway;

import com.typesafe.config.Config;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.service.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the ingest gateway ({@code tracefold.gateway.*} in reference.conf). Immutable.
 *
 * @param otlpHttpPort port of the OTLP/HTTP receiver (default 4318); 0 binds any free port
 * @param apiPort port of the native trace endpoints ({@code /api/v1/traces}, uploads, the JSON
 *     Schema), {@code /metrics} and {@code /health} (default 8080); 0 binds any free port
 * @param maxRequestBytes largest accepted request body in bytes, as sent and after decompression
 *     (default 16 MiB)
 * @param produceTimeout how long a request waits for Kafka to acknowledge its spans before the
 *     gateway answers 503 (default 10 s)
 * @param otlpGrpcPort port of the OTLP/gRPC receiver (default 4317); 0 binds any free port
 * @param limits bounds on what a request may contain (spans, attributes, JSON, uploads)
 * @param bindAddress the address the three receivers listen on: an IP address or host name (default
 *     {@value #DEFAULT_BIND_ADDRESS}, every interface, as a container needs; standalone mode
 *     listens on {@code 127.0.0.1} unless told otherwise)
 */
public record GatewaySettings(
    int otlpHttpPort,
    int apiPort,
    int maxRequestBytes,
    Duration produceTimeout,
    int otlpGrpcPort,
    IngestLimits limits,
    String bindAddress) {
  /** Default bind address: every interface. */
  public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

  /** Default OTLP/HTTP port. */
  public static final int DEFAULT_OTLP_HTTP_PORT = 4318;

  /** Default API port (native traces, {@code /metrics}, {@code /health}). */
  public static final int DEFAULT_API_PORT = 8080;

  /** Default request size cap: 16 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  /** Default produce timeout: 10 s. */
  public static final Duration DEFAULT_PRODUCE_TIMEOUT = Duration.ofSeconds(10);

  /** Default OTLP/gRPC port. */
  public static final int DEFAULT_OTLP_GRPC_PORT = 4317;

  /**
   * @throws IllegalArgumentException if a port is outside 0..65535, {@code maxRequestBytes} is not
   *     positive, {@code produceTimeout} is shorter than 1 ms, or {@code bindAddress} is blank
   */
  public GatewaySettings {
    Objects.requireNonNull(produceTimeout, "produceTimeout");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("tracefold.gateway.bind-address must not be blank");
    }
    checkPort("tracefold.gateway.otlp-http-port", otlpHttpPort);
    checkPort("tracefold.gateway.otlp-grpc-port", otlpGrpcPort);
    checkPort("tracefold.gateway.api-port", apiPort);
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException(
          "tracefold.gateway.max-request-bytes must be positive, was " + maxRequestBytes);
    }
    if (produceTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "tracefold.gateway.produce-timeout must be at least 1ms, was " + produceTimeout);
    }
  }

  /**
   * The defaults: ports 4318, 8080 and 4317, 16 MiB, 10 s, {@link IngestLimits#defaults()}, every
   * interface.
   */
  public static GatewaySettings defaults() {
    return new GatewaySettings(
        DEFAULT_OTLP_HTTP_PORT,
        DEFAULT_API_PORT,
        DEFAULT_MAX_REQUEST_BYTES,
        DEFAULT_PRODUCE_TIMEOUT,
        DEFAULT_OTLP_GRPC_PORT,
        IngestLimits.defaults(),
        DEFAULT_BIND_ADDRESS);
  }

  /**
   * Reads {@code tracefold.gateway.*}.
   *
   * @throws com.typesafe.config.ConfigException if a setting is missing or malformed
   * @throws IllegalArgumentException if a value is out of range (see the constructor)
   */
  public static GatewaySettings from(Config config) {
    Config gateway = config.getConfig("tracefold.gateway");
    long maxBytes = gateway.getBytes("max-request-bytes");
    if (maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tracefold.gateway.max-request-bytes must be below 2 GiB, was " + maxBytes);
    }
    return new GatewaySettings(
        gateway.getInt("otlp-http-port"),
        gateway.getInt("api-port"),
        (int) maxBytes,
        Durations.get(config, "tracefold.gateway.produce-timeout"),
        gateway.getInt("otlp-grpc-port"),
        IngestLimits.from(gateway),
        gateway.getString("bind-address"));
  }

  /** A copy listening on other ports (tests pass 0 for all three). */
  public GatewaySettings withPorts(int otlpHttpPort, int otlpGrpcPort, int apiPort) {
    return new GatewaySettings(
        otlpHttpPort, apiPort, maxRequestBytes, produceTimeout, otlpGrpcPort, limits, bindAddress);
  }

  /** A copy listening on another address ({@code 127.0.0.1}: this machine only). */
  public GatewaySettings withBindAddress(String address) {
    return new GatewaySettings(
        otlpHttpPort, apiPort, maxRequestBytes, produceTimeout, otlpGrpcPort, limits, address);
  }

  /** A copy with another request size cap. */
  public GatewaySettings withMaxRequestBytes(int bytes) {
    return new GatewaySettings(
        otlpHttpPort, apiPort, bytes, produceTimeout, otlpGrpcPort, limits, bindAddress);
  }

  /** A copy with another produce timeout. */
  public GatewaySettings withProduceTimeout(Duration timeout) {
    return new GatewaySettings(
        otlpHttpPort, apiPort, maxRequestBytes, timeout, otlpGrpcPort, limits, bindAddress);
  }

  /** A copy with other ingest limits. */
  public GatewaySettings withLimits(IngestLimits limits) {
    return new GatewaySettings(
        otlpHttpPort, apiPort, maxRequestBytes, produceTimeout, otlpGrpcPort, limits, bindAddress);
  }

  private static void checkPort(String path, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(path + " must be 0..65535, was " + port);
    }
  }
}
