package dev.tracefold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} parses and is consistent with the code: every Tracefold service is a
 * runnable module whose image tag is the project version, sets only environment variables that
 * module reads and publishes only ports it listens on; every service named elsewhere (depends_on,
 * scrape targets, URLs) exists; shared settings (database, Kafka address) agree, and only the
 * services that use Kafka are given it; every mounted file exists.
 */
class ComposeFileTest {
  private static final Pattern TRACEFOLD_IMAGE = Pattern.compile("tracefold/([a-z-]+):(.+)");
  private static final Pattern PINNED_IMAGE = Pattern.compile("[a-z0-9./-]+:[A-Za-z0-9._-]+");
  private static final JsonNode COMPOSE = RepositoryFiles.yaml("docker-compose.yml");

  @Test
  void tracefoldServicesAreRunnableModulesWhoseImageTheBuildConfiguresTaggedWithTheVersion() {
    assertThat(tracefoldServices().keySet())
        .containsExactlyInAnyOrder(
            "ingest-gateway", "completion-stream", "rollup-sink", "trace-api");
    String version = RepositoryFiles.projectVersion();
    tracefoldServices()
        .forEach(
            (service, module) -> {
              assertThat(ServiceModules.isRunnable(module))
                  .as("module %s has a *Main", module)
                  .isTrue();
              assertThat(ServiceModules.imagePorts(module))
                  .as("ports of the image module %s builds", module)
                  .isEqualTo(new TreeSet<>(ServiceModules.ports(module, Map.of()).values()));
              assertThat(services().get(service).path("image").asText())
                  .isEqualTo("tracefold/" + module + ":" + version);
            });
  }

  @Test
  void tracefoldServicesSetOnlyVariablesTheirModuleReads() {
    tracefoldServices()
        .forEach(
            (service, module) -> {
              Map<String, String> environment = ComposeFiles.environment(services().get(service));
              assertThat(environment).as("%s environment", service).isNotEmpty();
              assertThat(ServiceModules.variables(module))
                  .as("variables %s reads", module)
                  .containsAll(environment.keySet());
            });
  }

  @Test
  void tracefoldServicesPublishAndProbeOnlyPortsTheyListenOn() {
    tracefoldServices()
        .forEach(
            (service, module) -> {
              JsonNode definition = services().get(service);
              Set<Integer> listening = listeningPorts(service, module);
              for (JsonNode port : definition.path("ports")) {
                assertThat(listening)
                    .as("%s publishes %s", service, port.asText())
                    .contains(ComposeFiles.containerPort(port.asText()));
              }
              String probe = String.join(" ", texts(definition.path("healthcheck").path("test")));
              assertThat(probe)
                  .as("%s health check", service)
                  .contains("dev.tracefold.service.HealthProbe");
              assertThat(listening).contains(urlPort(probe));
            });
  }

  @Test
  void everyServiceNamedInTheFileExists() {
    Set<String> names = services().keySet();
    services()
        .forEach(
            (service, definition) -> {
              for (String dependency : ComposeFiles.dependsOn(definition)) {
                assertThat(names).as("%s depends on", service).contains(dependency);
              }
              String image = definition.path("image").asText();
              assertThat(image)
                  .as("%s image is pinned", service)
                  .matches(PINNED_IMAGE)
                  .doesNotEndWith(":latest");
            });
    // Prometheus scrapes every Tracefold service on a port it listens on
    JsonNode scrape =
        RepositoryFiles.yaml("deploy/prometheus/prometheus.yml").path("scrape_configs");
    Set<String> scraped = new HashSet<>();
    for (JsonNode job : scrape) {
      for (JsonNode staticConfig : job.path("static_configs")) {
        for (JsonNode target : staticConfig.path("targets")) {
          String[] hostPort = target.asText().split(":");
          assertThat(tracefoldServices())
              .as("scrape target %s", target.asText())
              .containsKey(hostPort[0]);
          assertThat(listeningPorts(hostPort[0], tracefoldServices().get(hostPort[0])))
              .contains(Integer.parseInt(hostPort[1]));
          scraped.add(hostPort[0]);
        }
      }
    }
    assertThat(scraped).isEqualTo(tracefoldServices().keySet());
    // Grafana's data source is the Prometheus service
    JsonNode datasource =
        RepositoryFiles.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
            .path("datasources")
            .path(0);
    URI url = URI.create(datasource.path("url").asText());
    assertThat(names).contains(url.getHost());
    assertThat(texts(services().get(url.getHost()).path("ports")))
        .contains(url.getPort() + ":" + url.getPort());
  }

  @Test
  void databaseAndKafkaSettingsAgreeAcrossServices() {
    Map<String, String> postgres = ComposeFiles.environment(services().get("postgres"));
    String kafkaListeners =
        ComposeFiles.environment(services().get("kafka")).get("KAFKA_ADVERTISED_LISTENERS");
    Set<String> kafkaClients = new TreeSet<>();
    tracefoldServices()
        .forEach(
            (service, module) -> {
              Map<String, String> env = ComposeFiles.environment(services().get(service));
              if (env.containsKey("TRACEFOLD_KAFKA_BOOTSTRAP_SERVERS")) {
                kafkaClients.add(service);
                assertThat(kafkaListeners)
                    .contains("PLAINTEXT://" + env.get("TRACEFOLD_KAFKA_BOOTSTRAP_SERVERS"));
                assertThat(services().get(service).path("depends_on").has("kafka")).isTrue();
              }
              if (env.containsKey("TRACEFOLD_STORE_JDBC_URL")) {
                assertThat(env.get("TRACEFOLD_STORE_JDBC_URL"))
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
                assertThat(env.get("TRACEFOLD_STORE_USERNAME"))
                    .isEqualTo(postgres.get("POSTGRES_USER"));
                assertThat(env.get("TRACEFOLD_STORE_PASSWORD"))
                    .isEqualTo(postgres.get("POSTGRES_PASSWORD"));
                assertThat(services().get(service).path("depends_on").has("postgres")).isTrue();
              }
            });
    // trace-api reads and writes PostgreSQL only
    assertThat(kafkaClients)
        .containsExactlyInAnyOrder("ingest-gateway", "completion-stream", "rollup-sink");
  }

  @Test
  void mountedFilesExistAndGrafanaLoadsTheDashboardFromItsMount() {
    Map<String, String> grafanaMounts = new TreeMap<>();
    services()
        .forEach(
            (service, definition) -> {
              for (JsonNode volume : definition.path("volumes")) {
                String[] parts = volume.asText().split(":");
                if (parts[0].startsWith("./")) {
                  assertThat(Files.exists(RepositoryFiles.root().resolve(parts[0].substring(2))))
                      .as("%s mounts %s", service, parts[0])
                      .isTrue();
                  if (service.equals("grafana")) {
                    grafanaMounts.put(parts[0], parts[1]);
                  }
                } else {
                  assertThat(COMPOSE.path("volumes").has(parts[0]))
                      .as("named volume %s", parts[0])
                      .isTrue();
                }
              }
            });
    String dashboardsPath =
        RepositoryFiles.yaml("deploy/grafana/provisioning/dashboards/tracefold.yml")
            .path("providers")
            .path(0)
            .path("options")
            .path("path")
            .asText();
    assertThat(grafanaMounts).containsEntry("./deploy/grafana/dashboards", dashboardsPath);
    assertThat(grafanaMounts)
        .containsEntry("./deploy/grafana/provisioning", "/etc/grafana/provisioning");
  }

  private static Map<String, JsonNode> services() {
    Map<String, JsonNode> services = new TreeMap<>();
    COMPOSE.path("services").properties().forEach(e -> services.put(e.getKey(), e.getValue()));
    assertThat(services).as("services of docker-compose.yml").isNotEmpty();
    return services;
  }

  /** Compose service name to module, for services running a {@code tracefold/<module>} image. */
  private static Map<String, String> tracefoldServices() {
    Map<String, String> modules = new TreeMap<>();
    services()
        .forEach(
            (service, definition) -> {
              Matcher image = TRACEFOLD_IMAGE.matcher(definition.path("image").asText());
              if (image.matches()) {
                modules.put(service, image.group(1));
              }
            });
    return modules;
  }

  private static Set<Integer> listeningPorts(String service, String module) {
    return new HashSet<>(
        ServiceModules.ports(module, ComposeFiles.environment(services().get(service))).values());
  }

  private static int urlPort(String text) {
    Matcher url = Pattern.compile("http://[a-z0-9.-]+:([0-9]+)/").matcher(text);
    assertThat(url.find()).as("a URL with a port in %s", text).isTrue();
    return Integer.parseInt(url.group(1));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
