package ru.otus.contract.engine;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A configuration mistake that stops start-up; reported as a short "APPLICATION FAILED TO START" block. */
public class EngineConfigurationException extends RuntimeException {

  private final String action;

  public EngineConfigurationException(String description, String action) {
    super(description);
    this.action = action;
  }

  public String getAction() {
    return action;
  }

  /** Registered in META-INF/spring.factories. */
  public static class Analyzer extends AbstractFailureAnalyzer<EngineConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EngineConfigurationException cause) {
      return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
    }
  }
}
