package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class TriggerProducerTest {
  @Test
  void fencingAndAuthorizationAreFatalAlsoWhenWrapped() {
    assertThat(TriggerProducer.isFatal(new ProducerFencedException("fenced"))).isTrue();
    assertThat(TriggerProducer.isFatal(new KafkaException(new ProducerFencedException("f"))))
        .isTrue();
    assertThat(TriggerProducer.isFatal(new TransactionalIdAuthorizationException("no"))).isTrue();
  }

  @Test
  void timeoutsAndOtherKafkaErrorsAreRetried() {
    assertThat(TriggerProducer.isFatal(new TimeoutException("slow"))).isFalse();
    assertThat(TriggerProducer.isFatal(new KafkaException("aborted"))).isFalse();
    assertThat(TriggerProducer.isFatal(new IllegalStateException("db"))).isFalse();
  }
}
