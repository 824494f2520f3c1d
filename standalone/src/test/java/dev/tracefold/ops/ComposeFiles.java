package dev.tracefold.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading parts of a Compose service definition in either of Compose's notations. Stateless. */
final class ComposeFiles {
  private ComposeFiles() {}

  /** {@code environment} as a map, from the map form or the {@code KEY=value} list form. */
  static Map<String, String> environment(JsonNode service) {
    Map<String, String> environment = new LinkedHashMap<>();
    JsonNode node = service.path("environment");
    if (node.isArray()) {
      for (JsonNode entry : node) {
        String[] keyValue = entry.asText().split("=", 2);
        environment.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : "");
      }
    } else {
      node.properties().forEach(e -> environment.put(e.getKey(), e.getValue().asText()));
    }
    return environment;
  }

  /** Service names of {@code depends_on}, from the list or the map form. */
  static List<String> dependsOn(JsonNode service) {
    List<String> names = new ArrayList<>();
    JsonNode node = service.path("depends_on");
    if (node.isArray()) {
      node.forEach(name -> names.add(name.asText()));
    } else {
      node.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }

  /**
   * The container side of a short port mapping: {@code "4318:4318"}, {@code "127.0.0.1:80:8080"}.
   */
  static int containerPort(String mapping) {
    String[] parts = mapping.split(":");
    return Integer.parseInt(parts[parts.length - 1].split("/")[0]);
  }
}
