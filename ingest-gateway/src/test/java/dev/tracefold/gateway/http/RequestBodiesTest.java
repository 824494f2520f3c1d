package dev.tracefold.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.gateway.ingest.RequestRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void passesPlainBodiesThrough() {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);

    assertThat(RequestBodies.decode(body, null, 100)).isSameAs(body);
    assertThat(RequestBodies.decode(body, "identity", 100)).isSameAs(body);
  }

  @Test
  void gunzips() throws IOException {
    byte[] body = "hello gzip".getBytes(StandardCharsets.UTF_8);

    assertThat(RequestBodies.decode(gzip(body), "gzip", 100)).isEqualTo(body);
    assertThat(RequestBodies.decode(gzip(body), "GZIP ", 100)).isEqualTo(body);
  }

  @Test
  void refusesBodiesLargerThanTheCapAfterDecompression() throws IOException {
    byte[] zeros = new byte[1_000_000];
    byte[] compressed = gzip(zeros);
    assertThat(compressed.length).isLessThan(10_000);

    assertThatThrownBy(() -> RequestBodies.decode(compressed, "gzip", 100_000))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(413))
        .hasMessage(
            "request body exceeds 100000 bytes (after decompression); send fewer spans per"
                + " request");
    assertThat(RequestBodies.decode(compressed, "gzip", 1_000_000)).hasSize(1_000_000);
  }

  @Test
  void refusesPlainBodiesLargerThanTheCap() {
    assertThatThrownBy(() -> RequestBodies.decode(new byte[11], null, 10))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(413));
  }

  @Test
  void refusesBrokenGzip() throws IOException {
    byte[] truncated = Arrays.copyOf(gzip(new byte[5000]), 20);

    assertThatThrownBy(() -> RequestBodies.decode("not gzip".getBytes(), "gzip", 100))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageStartingWith("body is not valid gzip (Content-Encoding: gzip): ");
    assertThatThrownBy(() -> RequestBodies.decode(truncated, "gzip", 100_000))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
  }

  @Test
  void refusesOtherEncodings() {
    assertThat(RequestBodies.isSupported("br")).isFalse();
    assertThatThrownBy(() -> RequestBodies.decode(new byte[1], "br", 100))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(415))
        .hasMessage("Content-Encoding 'br' is not supported; use gzip or none");
  }
}
