package ru.otus.contract.engine.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.camunda.bpm.engine.impl.ProcessEngineImpl;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Relays what one engine node's long polls would otherwise only learn from their own node, through
 * PostgreSQL {@code LISTEN/NOTIFY} on the engine's own database:
 * <ul>
 *   <li>"an external task became available": sent inside the transaction that made it (so it is
 *       delivered only if, and only after, that transaction commits) and turned on every other node
 *       into the same wake-up the engine gives its own long polls;</li>
 *   <li>"release worker W's open poll": a stopping worker's release poll may reach another node than
 *       the one holding its open poll; every node cancels W's poll if it holds one.</li>
 * </ul>
 * A node ignores its own notifications. While the listening connection is down, the node's long
 * polls fall back to their timeout (as with one node and no relay); the health component
 * {@code clusterRelay} and the gauge {@code engine_cluster_relay_listening} say so. A failing
 * {@code pg_notify} fails the transaction that made the task, like any other statement in it.
 */
public class ClusterRelay implements AutoCloseable {

  static final String CHANNEL = "otus_engine_cluster";
  private static final Logger LOG = Logger.getLogger(ClusterRelay.class.getName());
  // Short: a node that cannot listen is slow (polls fall back to their timeout), so it should hear again soon.
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(5);
  private static final int WAIT_MS = 5_000;
  private static volatile ClusterRelay active;

  private final String nodeName;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final DataSource dataSource;
  private final Thread listener;
  private final Counter tasksSent;
  private final Counter tasksReceived;
  private final Counter releasesSent;
  private final Counter releasesReceived;
  private volatile boolean running = true;
  private volatile boolean listening;
  private volatile String lastError;

  public ClusterRelay(String nodeName, String jdbcUrl, String user, String password, DataSource dataSource,
      MeterRegistry meters) {
    this.nodeName = nodeName;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.dataSource = dataSource;
    this.tasksSent = counter(meters, "task", "sent");
    this.tasksReceived = counter(meters, "task", "received");
    this.releasesSent = counter(meters, "release", "sent");
    this.releasesReceived = counter(meters, "release", "received");
    // For the alert EngineClusterRelayNotListening: Prometheus still scrapes a node that is not ready.
    Gauge.builder("engine.cluster.relay.listening", this, relay -> relay.listening ? 1 : 0)
        .description("1 while this node listens to the other nodes (LISTEN on PostgreSQL), else 0")
        .register(meters);
    this.listener = new Thread(this::listen, "cluster-relay-listener");
    this.listener.setDaemon(true);
  }

  private static Counter counter(MeterRegistry meters, String kind, String direction) {
    return Counter.builder("engine.cluster.relay.notifications")
        .description("Cluster relay notifications between engine nodes (LISTEN/NOTIFY)")
        .tag("kind", kind).tag("direction", direction).register(meters);
  }

  /** The relay of this process, or null when it runs without one (H2, or switched off). */
  static ClusterRelay active() {
    return active;
  }

  public void start() {
    active = this;
    listener.start();
  }

  @Override
  public void close() {
    running = false;
    active = null;
    listener.interrupt();
  }

  public String nodeName() {
    return nodeName;
  }

  public boolean isListening() {
    return listening;
  }

  public String lastError() {
    return lastError;
  }

  /** On the transaction's own connection: PostgreSQL delivers it when, and only if, that commits. */
  void taskAvailable(Connection transaction) {
    notify(transaction, "task|" + nodeName);
    tasksSent.increment();
  }

  /** Outside any transaction: the release is a request of its own. */
  void releaseWorker(String workerId) {
    try (Connection connection = dataSource.getConnection()) {
      notify(connection, "release|" + nodeName + "|" + workerId);
      if (!connection.getAutoCommit()) connection.commit();
      releasesSent.increment();
    } catch (SQLException | RuntimeException e) {
      // The local release goes on regardless; only the other nodes miss it (their poll then ends at its timeout).
      LOG.log(Level.WARNING, "could not relay the release of worker " + workerId + "'s poll", e);
    }
  }

  private static void notify(Connection connection, String payload) {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      statement.setString(1, CHANNEL);
      statement.setString(2, payload);
      statement.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("pg_notify on " + CHANNEL + " failed", e);
    }
  }

  private void listen() {
    int failures = 0;
    while (running) {
      try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        listening = true;
        lastError = null;
        if (failures > 0) LOG.info("cluster relay listening again on " + CHANNEL);
        failures = 0;
        // Whatever was announced while we were not listening: let this node's polls look once.
        ProcessEngineImpl.EXT_TASK_CONDITIONS.signalAll();
        while (running) {
          PGNotification[] notifications = pg.getNotifications(WAIT_MS);
          if (notifications == null || notifications.length == 0) {
            // getNotifications only reads; a dead server shows up when something is sent.
            if (!connection.isValid(WAIT_MS / 1000)) throw new SQLException("listening connection lost");
            continue;
          }
          for (PGNotification notification : notifications) received(notification.getParameter());
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (!running) break;
        failures++;
        lastError = e.getMessage();
        long delay = Math.min(MAX_RECONNECT_DELAY.toMillis(), 250L << Math.min(failures, 6));
        LOG.warning("cluster relay not listening (" + e.getMessage() + "); retrying in " + delay + " ms");
        try {
          Thread.sleep(delay);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    listening = false;
  }

  private void received(String payload) {
    String[] parts = payload.split("\\|", 3);
    if (parts.length < 2 || parts[1].equals(nodeName)) return;
    if (parts[0].equals("task")) {
      tasksReceived.increment();
      ProcessEngineImpl.EXT_TASK_CONDITIONS.signalAll();
    } else if (parts[0].equals("release") && parts.length == 3) {
      releasesReceived.increment();
      ClusterFetchAndLockHandler.releaseHere(parts[2]);
    }
  }
}
