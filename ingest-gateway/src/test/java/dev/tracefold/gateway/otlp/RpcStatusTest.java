package dev.tracefold.gateway.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RpcStatusTest {
  @Test
  void encodesStatusAsProtobuf() throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(RpcStatus.toProtobuf(3, "bad ids"));

    assertThat(in.readTag()).isEqualTo((1 << 3) | 0);
    assertThat(in.readInt32()).isEqualTo(3);
    assertThat(in.readTag()).isEqualTo((2 << 3) | 2);
    assertThat(in.readString()).isEqualTo("bad ids");
    assertThat(in.isAtEnd()).isTrue();
  }

  @Test
  void encodesStatusAsJson() {
    assertThat(new String(RpcStatus.toJson(14, "later \"please\""), StandardCharsets.UTF_8))
        .isEqualTo("{\"code\":14,\"message\":\"later \\\"please\\\"\"}");
  }

  @Test
  void mapsHttpStatusesToGrpcCodes() {
    assertThat(RpcStatus.codeFor(400)).isEqualTo(3);
    assertThat(RpcStatus.codeFor(401)).isEqualTo(16);
    assertThat(RpcStatus.codeFor(413)).isEqualTo(3);
    assertThat(RpcStatus.codeFor(415)).isEqualTo(12);
    assertThat(RpcStatus.codeFor(429)).isEqualTo(8);
    assertThat(RpcStatus.codeFor(503)).isEqualTo(14);
    assertThat(RpcStatus.codeFor(500)).isEqualTo(13);
  }
}
