package ru.otus.contract.engine;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Checks and derives configuration before the engine is built:
 * <ul>
 *   <li>refuses to start without an admin password, unless the profile {@code local} supplies one;</li>
 *   <li>turns {@code ENGINE_DATA_DIR} (default {@code ./data}) into the absolute H2 URL {@code engine.h2-url}.</li>
 * </ul>
 * Registered in META-INF/spring.factories; runs after the config files are loaded.
 */
public class EngineEnvironment implements EnvironmentPostProcessor, Ordered {

  static final String ADMIN_PASSWORD = "camunda.bpm.admin-user.password";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    String password = env.getProperty(ADMIN_PASSWORD);
    if (password == null || password.isBlank()) {
      throw new EngineConfigurationException(
          "The Camunda admin password is not set: environment variable CAMUNDA_ADMIN_PASSWORD is missing or empty.",
          "Set CAMUNDA_ADMIN_PASSWORD (and CAMUNDA_ADMIN_USER, default 'admin'), or, on a developer machine only, "
              + "start with the Spring profile 'local' (SPRING_PROFILES_ACTIVE=local) to get admin/admin.");
    }

    Path dataDir = Path.of(env.getProperty("ENGINE_DATA_DIR", "./data")).toAbsolutePath().normalize();
    String h2Url = "jdbc:h2:file:" + dataDir.resolve("camunda") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
    env.getPropertySources().addLast(new MapPropertySource("engineDerived", Map.of("engine.h2-url", h2Url)));
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
