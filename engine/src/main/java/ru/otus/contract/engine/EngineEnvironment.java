package ru.otus.contract.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *   <li>refuses to start without a password for each service's engine account;</li>
 *   <li>outside the profile {@code local}, refuses example, short or repetitive passwords, naming the variable;</li>
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

    for (String service : ServiceAccounts.SERVICES) {
      String variable = ServiceAccounts.passwordVariable(service);
      String value = env.getProperty(variable);
      if (value == null || value.isEmpty()) {
        throw new EngineConfigurationException(
            "The engine account of the " + service + " service has no password: environment variable "
                + variable + " is missing or empty.",
            "Set " + variable + " for the engine and for the " + service + " service (which logs in as "
                + ServiceAccounts.userId(service) + " with it); see docs/engine.md.");
      }
    }

    // Outside a developer machine, a password from the repo's examples or a guessable one opens the engine.
    if (!env.matchesProfiles("local")) {
      List<String> secrets = new ArrayList<>(List.of("CAMUNDA_ADMIN_PASSWORD"));
      ServiceAccounts.SERVICES.forEach(service -> secrets.add(ServiceAccounts.passwordVariable(service)));
      if (env.getProperty("ENGINE_DB_URL") != null) secrets.add("ENGINE_DB_PASSWORD");
      for (String variable : secrets) {
        String why = weakPasswordReason(env.getProperty(variable, ""));
        if (why != null) {
          throw new EngineConfigurationException(
              "Environment variable " + variable + " is refused: " + why + ".",
              "Set " + variable + " to a value of its own, e.g. "
                  + "node -e 'console.log(require(\"crypto\").randomBytes(24).toString(\"base64url\"))'; "
                  + "the Spring profile 'local' (developer machines only) accepts any value.");
        }
      }
    }

    Path dataDir = Path.of(env.getProperty("ENGINE_DATA_DIR", "./data")).toAbsolutePath().normalize();
    String h2Url = "jdbc:h2:file:" + dataDir.resolve("camunda") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
    env.getPropertySources().addLast(new MapPropertySource("engineDerived", Map.of("engine.h2-url", h2Url)));
  }

  /** Words of the repo's example values; compared without case and separators. */
  private static final List<String> PLACEHOLDER_WORDS =
      List.of("changeme", "placeholder", "localonly", "example", "dummy", "insecure", "notasecret", "password");

  /** Why a password is not fit outside a developer machine, or null; never repeats the value. */
  static String weakPasswordReason(String value) {
    if (value.length() < 12) return "shorter than 12 characters";
    String folded = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    for (String word : PLACEHOLDER_WORDS) {
      if (folded.contains(word)) return "it is, or looks like, an example value (contains '" + word + "')";
    }
    if (value.chars().distinct().count() < 8) return "it has fewer than 8 different characters";
    return null;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
