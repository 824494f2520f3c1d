package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class CompletedTraceWriterTest {
  @Test
  void fencingAndAuthorizationAreFatalAlsoWhenWrapped() {
    assertThat(CompletedTraceWriter.isFatal(new ProducerFencedException("fenced"))).isTrue();
    assertThat(CompletedTraceWriter.isFatal(new KafkaException(new ProducerFencedException("f"))))
        .isTrue();
    assertThat(CompletedTraceWriter.isFatal(new TransactionalIdAuthorizationException("no")))
        .isTrue();
  }

  @Test
  void timeoutsAndOtherKafkaErrorsAreRetried() {
    assertThat(CompletedTraceWriter.isFatal(new TimeoutException("slow"))).isFalse();
    assertThat(CompletedTraceWriter.isFatal(new KafkaException("aborted"))).isFalse();
    assertThat(CompletedTraceWriter.isFatal(new IllegalStateException("db"))).isFalse();
  }
}
