package dev.tracefold.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of KRaft nodes, each its own JVM running Kafka's {@code kafka.Kafka} main on a
 * {@code server.properties} of its own, from this JVM's classpath (the {@code kafka_2.13} jar that
 * embedded-infra brings). Every node holds both roles ({@code process.roles=broker,controller}),
 * the controllers form a static quorum ({@code controller.quorum.voters}) and every node's storage
 * is formatted with one cluster id by Kafka's own {@code StorageTool format}, as an operator would.
 *
 * <p>Replication as a production cluster of three: {@code default.replication.factor=3}, {@code
 * min.insync.replicas=2}, and the same for the internal topics (consumer offsets, transaction
 * state, share-group state), whose partition counts are lowered to 6 to spare the test machine.
 * {@code message.max.bytes} and {@code replica.fetch.max.bytes} are 16 MiB, as in {@code
 * docker-compose.yml} (a completed trace is one record of up to 8 MiB).
 *
 * <p>Ports (client and controller listener of each node, on {@code localhost}) are chosen once and
 * kept, so a killed node restarts at the same address. Node ids are 1 to n. Data and logs live
 * under the given directory: {@code kafka-<id>/data}, {@code kafka-<id>/server.properties}, {@code
 * kafka-<id>.log}. Not thread-safe.
 */
final class KafkaClusterProcesses implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaClusterProcesses.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Map<Integer, ChildJvm> nodes = new LinkedHashMap<>();
  private final String bootstrapServers;
  private final String clusterId;

  private KafkaClusterProcesses(String clusterId, String bootstrapServers) {
    this.clusterId = clusterId;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats and starts {@code count} nodes, and waits until every one is a registered broker.
   *
   * @param dir the cluster's directory (created)
   * @param count nodes, at least 3 for replication factor 3
   * @param jvmOptions JVM options of each node, such as {@code -Xmx512m}
   * @throws IllegalStateException if formatting fails or the cluster is not up within 3 minutes
   */
  static KafkaClusterProcesses start(Path dir, int count, List<String> jvmOptions) {
    String clusterId = Uuid.randomUuid().toString();
    int[] clientPorts = new int[count + 1];
    int[] controllerPorts = new int[count + 1];
    List<String> voters = new ArrayList<>();
    List<String> bootstrap = new ArrayList<>();
    for (int id = 1; id <= count; id++) {
      clientPorts[id] = ChildJvm.freePort();
      controllerPorts[id] = ChildJvm.freePort();
      voters.add(id + "@localhost:" + controllerPorts[id]);
      bootstrap.add("localhost:" + clientPorts[id]);
    }
    KafkaClusterProcesses cluster =
        new KafkaClusterProcesses(clusterId, String.join(",", bootstrap));
    try {
      for (int id = 1; id <= count; id++) {
        Path nodeDir = dir.resolve("kafka-" + id).toAbsolutePath();
        Path properties = nodeDir.resolve("server.properties");
        Files.createDirectories(nodeDir);
        Files.writeString(
            properties,
            serverProperties(
                id,
                clientPorts[id],
                controllerPorts[id],
                String.join(",", voters),
                nodeDir.resolve("data")),
            StandardCharsets.UTF_8);
        format(clusterId, properties);
        cluster.nodes.put(
            id,
            new ChildJvm(
                "kafka-" + id,
                jvmOptions,
                "kafka.Kafka",
                List.of(properties.toString()),
                Map.of(),
                dir.resolve("kafka-" + id + ".log")));
      }
      cluster.nodes.values().forEach(ChildJvm::start);
      cluster.awaitBrokers(count, START_TIMEOUT);
      log.info("Kafka cluster {} of {} nodes up: {}", clusterId, count, cluster.bootstrapServers);
      return cluster;
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static String serverProperties(
      int nodeId, int clientPort, int controllerPort, String voters, Path dataDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("offsets.topic.replication.factor", "3");
    p.put("offsets.topic.num.partitions", "6");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    p.put("transaction.state.log.num.partitions", "6");
    p.put("share.coordinator.state.topic.replication.factor", "3");
    p.put("share.coordinator.state.topic.min.isr", "2");
    p.put("share.coordinator.state.topic.num.partitions", "3");
    p.put("unclean.leader.election.enable", "false");
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("message.max.bytes", Integer.toString(16 << 20));
    p.put("replica.fetch.max.bytes", Integer.toString(16 << 20));
    // the cleaner's 128 MiB default buffer would take a quarter of a node's heap
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "2");
    StringBuilder text = new StringBuilder("# written by KafkaClusterProcesses\n");
    p.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    return text.toString();
  }

  /** {@code kafka-storage.sh format -t <cluster id> -c <server.properties>}, in this JVM. */
  private static void format(String clusterId, Path properties) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      status =
          StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", properties.toString()}, print);
    }
    if (status != 0) {
      throw new IllegalStateException(
          "Kafka's StorageTool format failed for "
              + properties
              + " (status "
              + status
              + "): "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  /** Client {@code bootstrap.servers}: every node's listener, comma-separated. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  String clusterId() {
    return clusterId;
  }

  /** Kills node {@code id} with SIGKILL. */
  void kill(int id) {
    node(id).kill();
  }

  /** Starts node {@code id} again on its data and ports, and waits until it is a broker again. */
  void restart(int id) {
    node(id).start();
    awaitBrokers(nodes.size(), START_TIMEOUT);
  }

  private ChildJvm node(int id) {
    ChildJvm node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("No node " + id + " in " + nodes.keySet());
    }
    return node;
  }

  /** A new Admin client on the cluster; the caller closes it. */
  Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "cluster-test-admin"));
  }

  /**
   * The value of an Admin client's future, within 30 s.
   *
   * @throws IllegalStateException naming {@code what} if it fails or takes longer
   */
  static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while trying to " + what, e);
    }
  }

  /** The node id of the active controller (the quorum leader). */
  int activeController() {
    try (Admin admin = admin()) {
      return await(admin.describeMetadataQuorum().quorumInfo(), "describe the metadata quorum")
          .leaderId();
    }
  }

  /**
   * Partitions of {@code topics} whose in-sync replicas are fewer than their replicas, as {@code
   * topic-partition}; empty when every partition is fully replicated.
   */
  List<String> underReplicated(Collection<String> topics) {
    try (Admin admin = admin()) {
      Map<String, TopicDescription> descriptions =
          await(admin.describeTopics(topics).allTopicNames(), "describe " + topics);
      List<String> under = new ArrayList<>();
      for (TopicDescription topic : descriptions.values()) {
        for (TopicPartitionInfo partition : topic.partitions()) {
          if (partition.isr().size() < partition.replicas().size()) {
            under.add(topic.name() + "-" + partition.partition());
          }
        }
      }
      return under;
    }
  }

  /**
   * Waits until every partition of {@code topics} has all its replicas in sync.
   *
   * @return how long that took
   * @throws IllegalStateException naming the partitions still behind after {@code timeout}
   */
  Duration awaitFullyReplicated(Collection<String> topics, Duration timeout) {
    long start = System.nanoTime();
    List<String> under = underReplicated(topics);
    while (!under.isEmpty()) {
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new IllegalStateException(
            "Partitions still under-replicated after " + timeout + ": " + under);
      }
      Pause.millis(500);
      under = underReplicated(topics);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void awaitBrokers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Integer> seen = Set.of();
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        for (ChildJvm node : nodes.values()) {
          if (!node.isAlive()) {
            throw new IllegalStateException(
                node.name() + " exited; its log ends with:\n" + node.tail());
          }
        }
        try {
          Collection<Node> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
          seen = brokers.stream().map(Node::id).collect(Collectors.toSet());
          if (seen.size() >= count) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not up yet
        }
        Pause.millis(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
    throw new IllegalStateException(
        "Only brokers "
            + seen
            + " of "
            + count
            + " registered within "
            + timeout
            + "; logs under "
            + nodes.values().iterator().next().logFile().getParent());
  }

  /**
   * Kills every node: the test is over and its data is thrown away, so no controlled shutdown
   * (which, with all nodes stopping at once, waits for a controller quorum that is going away).
   */
  @Override
  public void close() {
    nodes.values().forEach(ChildJvm::kill);
  }
}
