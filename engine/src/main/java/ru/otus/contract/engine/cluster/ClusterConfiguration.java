package ru.otus.contract.engine.cluster;

import io.micrometer.core.instrument.MeterRegistry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ru.otus.contract.engine.EngineConfigurationException;

/**
 * Engine nodes sharing one PostgreSQL: the {@link ClusterRelay} (on by default with PostgreSQL,
 * {@code ENGINE_CLUSTER_RELAY=auto|on|off}), its health ({@code clusterRelay}) and
 * {@code /actuator/longpolls}, which lists the workers with a long poll open on this node.
 */
@Configuration
public class ClusterConfiguration {

  @Bean(destroyMethod = "close")
  ClusterRelay clusterRelay(@Value("${engine.cluster-relay:auto}") String mode,
      @Value("${engine.node-name:}") String nodeName, DataSourceProperties db, DataSource dataSource,
      MeterRegistry meters) {
    boolean postgres = db.getUrl() != null && db.getUrl().startsWith("jdbc:postgresql:");
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "off":
        return null;
      case "auto":
        if (!postgres) return null;
        break;
      case "on":
        if (!postgres) {
          throw new EngineConfigurationException(
              "ENGINE_CLUSTER_RELAY=on needs PostgreSQL (LISTEN/NOTIFY), but the engine runs on " + db.getUrl(),
              "Set ENGINE_DB_URL to the nodes' PostgreSQL database, or ENGINE_CLUSTER_RELAY=auto.");
        }
        break;
      default:
        throw new EngineConfigurationException("ENGINE_CLUSTER_RELAY=" + mode + " is not auto, on or off.",
            "Set ENGINE_CLUSTER_RELAY to auto (the default), on or off.");
    }
    ClusterRelay relay = new ClusterRelay(nodeName.isBlank() ? hostName() : nodeName, db.getUrl(),
        db.getUsername(), db.getPassword(), dataSource, meters);
    relay.start();
    return relay;
  }

  @Bean
  ProcessEnginePlugin clusterRelayPlugin(Optional<ClusterRelay> relay,
      @Value("${engine.node-name:}") String nodeName) {
    return new AbstractProcessEnginePlugin() {
      @Override
      public void preInit(ProcessEngineConfigurationImpl configuration) {
        // The history's job log names the node that ran each job (timers, async steps).
        if (!nodeName.isBlank()) configuration.setHostname(nodeName);
        if (relay.isEmpty()) return;
        List<SessionFactory> factories = configuration.getCustomSessionFactories() == null
            ? new ArrayList<>() : new ArrayList<>(configuration.getCustomSessionFactories());
        factories.add(RelayingExternalTaskManager.factory(relay.get()));
        configuration.setCustomSessionFactories(factories);
      }
    };
  }

  /**
   * Down while a relaying node cannot hear the others: its long polls wait out their timeout. Not
   * part of readiness on purpose: that is a slowdown, and taking the node out of the Service (every
   * node at once when PostgreSQL is at fault) would make it an outage. The alert tells a person.
   */
  @Bean
  HealthIndicator clusterRelayHealthIndicator(Optional<ClusterRelay> relay) {
    return () -> {
      if (relay.isEmpty()) return Health.up().withDetail("relay", "off").build();
      ClusterRelay r = relay.get();
      Health.Builder health = r.isListening() ? Health.up() : Health.down();
      health.withDetail("node", r.nodeName());
      if (r.lastError() != null) health.withDetail("error", r.lastError());
      return health.build();
    };
  }

  @Bean
  LongPollsEndpoint longPollsEndpoint(Optional<ClusterRelay> relay) {
    return new LongPollsEndpoint(relay.map(ClusterRelay::nodeName).orElseGet(ClusterConfiguration::hostName));
  }

  @Endpoint(id = "longpolls")
  public static class LongPollsEndpoint {
    private final String node;

    LongPollsEndpoint(String node) {
      this.node = node;
    }

    @ReadOperation
    public Map<String, Object> longPolls() {
      return Map.of("node", node, "polls", ClusterFetchAndLockHandler.openPolls());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "engine";
    }
  }
}
