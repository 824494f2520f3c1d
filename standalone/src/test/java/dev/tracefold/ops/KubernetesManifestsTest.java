package dev.tracefold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/k8s/} parses and is consistent with the code, like {@link ComposeFileTest}: each
 * workload runs a runnable module's image, sets (directly or through ConfigMaps and Secrets) only
 * variables that module reads, exposes and probes {@code /health} on ports it listens on, requests
 * resources and is covered by a PodDisruptionBudget; completion-stream is a StatefulSet whose state
 * directory is on a persistent volume; Services and the OpenTelemetry Collector point at ports that
 * exist.
 */
class KubernetesManifestsTest {
  private static final Pattern TRACEFOLD_IMAGE = Pattern.compile("tracefold/([a-z-]+):(.+)");
  private static final List<JsonNode> RESOURCES = new ArrayList<>();

  @BeforeAll
  static void load() {
    for (JsonNode name : RepositoryFiles.yaml("deploy/k8s/kustomization.yaml").path("resources")) {
      RESOURCES.addAll(RepositoryFiles.yamlDocuments("deploy/k8s/" + name.asText()));
    }
  }

  @Test
  void everyManifestFileIsListedInTheKustomization() throws Exception {
    Set<String> listed = new TreeSet<>();
    RepositoryFiles.yaml("deploy/k8s/kustomization.yaml")
        .path("resources")
        .forEach(n -> listed.add(n.asText()));
    Set<String> files = new TreeSet<>();
    try (var list = java.nio.file.Files.list(RepositoryFiles.root().resolve("deploy/k8s"))) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
          .forEach(files::add);
    }
    assertThat(listed).isEqualTo(files);
    assertThat(RESOURCES).allSatisfy(r -> assertThat(r.path("kind").asText()).isNotEmpty());
  }

  @Test
  void workloadsRunTheFourServicesAsNonRootWithResourceRequests() {
    Map<String, String> modules = new HashMap<>();
    workloads().forEach((name, workload) -> modules.put(name, module(container(workload))));
    assertThat(modules)
        .containsEntry("ingest-gateway", "ingest-gateway")
        .containsEntry("completion-stream", "completion-stream")
        .containsEntry("rollup-sink", "rollup-sink")
        .containsEntry("trace-api", "trace-api")
        .hasSize(4);
    workloads()
        .forEach(
            (name, workload) -> {
              JsonNode container = container(workload);
              assertThat(ServiceModules.isRunnable(module(container))).isTrue();
              assertThat(container.path("image").asText())
                  .endsWith(":" + RepositoryFiles.projectVersion());
              assertThat(container.path("resources").path("requests").has("cpu")).as(name).isTrue();
              assertThat(container.path("resources").path("requests").has("memory"))
                  .as(name)
                  .isTrue();
              JsonNode security =
                  workload.path("spec").path("template").path("spec").path("securityContext");
              assertThat(security.path("runAsNonRoot").asBoolean()).as(name).isTrue();
            });
  }

  @Test
  void workloadsSetOnlyVariablesTheirModuleReads() {
    workloads()
        .forEach(
            (name, workload) -> {
              Set<String> set = environment(container(workload)).keySet();
              assertThat(set).as("%s environment", name).isNotEmpty();
              assertThat(ServiceModules.variables(module(container(workload))))
                  .as("variables %s reads", name)
                  .containsAll(set);
            });
  }

  @Test
  void probesCallHealthAndPortsAreOnesTheServiceListensOn() {
    workloads()
        .forEach(
            (name, workload) -> {
              JsonNode container = container(workload);
              Set<Integer> listening = listening(container);
              Map<String, Integer> named = new HashMap<>();
              for (JsonNode port : container.path("ports")) {
                assertThat(listening)
                    .as("%s container port", name)
                    .contains(port.path("containerPort").asInt());
                named.put(port.path("name").asText(), port.path("containerPort").asInt());
              }
              for (String probe : List.of("readinessProbe", "livenessProbe")) {
                JsonNode get = container.path(probe).path("httpGet");
                assertThat(get.path("path").asText()).as("%s %s", name, probe).isEqualTo("/health");
                assertThat(listening).contains(portOf(get.path("port"), named));
              }
              JsonNode annotations =
                  workload.path("spec").path("template").path("metadata").path("annotations");
              assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
              assertThat(listening).contains(annotations.path("prometheus.io/port").asInt());
            });
  }

  @Test
  void servicesAndDisruptionBudgetsSelectWorkloadsAndTheirPorts() {
    Set<String> budgeted = new HashSet<>();
    for (JsonNode resource : RESOURCES) {
      String kind = resource.path("kind").asText();
      if (kind.equals("Service") || kind.equals("PodDisruptionBudget")) {
        JsonNode selector =
            kind.equals("Service")
                ? resource.path("spec").path("selector")
                : resource.path("spec").path("selector").path("matchLabels");
        JsonNode workload = selected(selector);
        assertThat(workload).as("%s %s selects a workload", kind, name(resource)).isNotNull();
        if (kind.equals("PodDisruptionBudget")) {
          budgeted.add(name(workload));
        } else {
          Map<String, Integer> named = new HashMap<>();
          container(workload)
              .path("ports")
              .forEach(p -> named.put(p.path("name").asText(), p.path("containerPort").asInt()));
          for (JsonNode port : resource.path("spec").path("ports")) {
            assertThat(named.values()).contains(portOf(port.path("targetPort"), named));
          }
        }
      }
    }
    assertThat(budgeted).isEqualTo(workloads().keySet());
  }

  @Test
  void completionStreamIsAStatefulSetKeepingItsStateOnAPersistentVolume() {
    JsonNode stream = workloads().get("completion-stream");
    assertThat(stream.path("kind").asText()).isEqualTo("StatefulSet");
    JsonNode claims = stream.path("spec").path("volumeClaimTemplates");
    assertThat(claims).hasSize(1);
    String claim = claims.get(0).path("metadata").path("name").asText();
    String stateDir = environment(container(stream)).get("TRACEFOLD_COMPLETION_STATE_DIR");
    boolean onClaim = false;
    for (JsonNode mount : container(stream).path("volumeMounts")) {
      if (mount.path("name").asText().equals(claim)) {
        onClaim = stateDir.startsWith(mount.path("mountPath").asText() + "/");
      }
    }
    assertThat(onClaim).as("%s is on volume %s", stateDir, claim).isTrue();
  }

  @Test
  void otelCollectorForwardsToTheGatewaysOtlpPortWithAnApiKey() {
    JsonNode collector = RepositoryFiles.yaml("deploy/otel-collector/config.yaml");
    JsonNode pipeline = collector.path("service").path("pipelines").path("traces");
    for (String part : List.of("receivers", "processors", "exporters")) {
      for (JsonNode name : pipeline.path(part)) {
        assertThat(collector.path(part).has(name.asText()))
            .as("%s %s is defined", part, name)
            .isTrue();
      }
    }
    JsonNode exporter =
        collector.path("exporters").path(pipeline.path("exporters").get(0).asText());
    URI endpoint = URI.create(exporter.path("endpoint").asText());
    JsonNode gateway = workloads().get(endpoint.getHost());
    assertThat(gateway).as("a workload named %s", endpoint.getHost()).isNotNull();
    Map<String, Integer> ports =
        ServiceModules.ports("ingest-gateway", environment(container(gateway)));
    assertThat(ports).containsEntry("tracefold.gateway.otlp-http-port", endpoint.getPort());
    assertThat(exporter.path("headers").path("Authorization").asText())
        .as("the gateway authenticates with a Bearer API key")
        .startsWith("Bearer ");
  }

  private static Map<String, JsonNode> workloads() {
    Map<String, JsonNode> workloads = new LinkedHashMap<>();
    for (JsonNode resource : RESOURCES) {
      String kind = resource.path("kind").asText();
      if (kind.equals("Deployment") || kind.equals("StatefulSet")) {
        workloads.put(name(resource), resource);
      }
    }
    return workloads;
  }

  private static JsonNode selected(JsonNode selector) {
    for (JsonNode workload : workloads().values()) {
      JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
      boolean all = selector.size() > 0;
      for (var entry : selector.properties()) {
        all &= entry.getValue().asText().equals(labels.path(entry.getKey()).asText());
      }
      if (all) {
        return workload;
      }
    }
    return null;
  }

  private static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
    assertThat(containers).as("containers of %s", name(workload)).hasSize(1);
    return containers.get(0);
  }

  private static String module(JsonNode container) {
    Matcher image = TRACEFOLD_IMAGE.matcher(container.path("image").asText());
    assertThat(image.matches()).as("Tracefold image %s", container.path("image").asText()).isTrue();
    return image.group(1);
  }

  /** The container's variables: {@code env} entries and the keys of its ConfigMaps and Secrets. */
  private static Map<String, String> environment(JsonNode container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (JsonNode source : container.path("envFrom")) {
      boolean configMap = source.has("configMapRef");
      String ref = source.path(configMap ? "configMapRef" : "secretRef").path("name").asText();
      JsonNode data = resource(configMap ? "ConfigMap" : "Secret", ref);
      assertThat(data).as("%s %s exists", configMap ? "ConfigMap" : "Secret", ref).isNotNull();
      JsonNode values = configMap ? data.path("data") : data.path("stringData");
      values.properties().forEach(e -> environment.put(e.getKey(), e.getValue().asText()));
    }
    for (JsonNode variable : container.path("env")) {
      // valueFrom entries have no literal value; the name is what matters here
      environment.put(variable.path("name").asText(), variable.path("value").asText(""));
    }
    return environment;
  }

  private static Set<Integer> listening(JsonNode container) {
    Map<String, String> literal = new HashMap<>();
    environment(container)
        .forEach(
            (k, v) -> {
              if (!v.isEmpty()) {
                literal.put(k, v);
              }
            });
    return new HashSet<>(ServiceModules.ports(module(container), literal).values());
  }

  private static int portOf(JsonNode port, Map<String, Integer> named) {
    if (port.isInt()) {
      return port.asInt();
    }
    assertThat(named).as("named port %s", port.asText()).containsKey(port.asText());
    return named.get(port.asText());
  }

  private static JsonNode resource(String kind, String name) {
    for (JsonNode resource : RESOURCES) {
      if (resource.path("kind").asText().equals(kind) && name(resource).equals(name)) {
        return resource;
      }
    }
    return null;
  }

  private static String name(JsonNode resource) {
    return resource.path("metadata").path("name").asText();
  }
}
