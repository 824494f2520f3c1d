package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadQueryTest {
  /** What {@code clients} clients ask for in their first {@code perClient} requests each. */
  private static Set<String> asked(List<String> values, int clients, int perClient) {
    Set<String> asked = new HashSet<>();
    for (int client = 0; client < clients; client++) {
      for (long sequence = 0; sequence < perClient; sequence++) {
        asked.add(ReadQuery.cycle(values, ReadQuery.requestNumber(client, sequence, clients)));
      }
    }
    return asked;
  }

  @Test
  void theClientsTogetherAskForEveryModelTagAndSearchTerm() {
    List<List<String>> rotations =
        List.of(
            Arrays.asList(StoredTraceFactory.MODELS),
            Arrays.asList(StoredTraceFactory.FEATURES),
            ReadApiBench.SEARCH_TERMS);
    for (List<String> values : rotations) {
      for (int clients = 1; clients <= 4; clients++) {
        int perClient = (values.size() + clients - 1) / clients;
        assertThat(asked(values, clients, perClient))
            .as("%d clients, %d requests each, over %s", clients, perClient, values)
            .containsExactlyInAnyOrderElementsOf(values);
      }
    }
  }

  @Test
  void eachClientMovesOnToAnotherValueWithEveryRequest() {
    List<String> models = Arrays.asList(StoredTraceFactory.MODELS);
    for (int client = 0; client < 2; client++) {
      List<String> asked = new ArrayList<>();
      for (long sequence = 0; sequence < 4; sequence++) {
        asked.add(ReadQuery.cycle(models, ReadQuery.requestNumber(client, sequence, 2)));
      }
      assertThat(asked).doesNotHaveDuplicates();
    }
  }
}
