package ru.otus.contract.engine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gauges computed on scrape with count queries, one series per process definition key:
 * {@code camunda_open_incidents{process_definition_key}} and
 * {@code camunda_running_process_instances{process_definition_key}}.
 * Keys are read when the registry binds and again when the application is ready (after the
 * BPMN deployment); BPMN is only deployed at start-up, so that covers every key.
 */
@Component
public class CamundaMetrics implements MeterBinder {

  private final RepositoryService repositoryService;
  private final RuntimeService runtimeService;
  private final Set<String> registeredKeys = ConcurrentHashMap.newKeySet();
  private volatile MeterRegistry registry;

  public CamundaMetrics(RepositoryService repositoryService, RuntimeService runtimeService) {
    this.repositoryService = repositoryService;
    this.runtimeService = runtimeService;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    registerKnownKeys();
  }

  @EventListener(ApplicationReadyEvent.class)
  public void registerKnownKeys() {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    repositoryService.createProcessDefinitionQuery().latestVersion().list().stream()
        .map(ProcessDefinition::getKey).filter(registeredKeys::add).forEach(key -> {
          Gauge.builder("camunda.open.incidents", runtimeService,
                  rs -> rs.createIncidentQuery().processDefinitionKeyIn(key).count())
              .description("Open incidents")
              .tag("process_definition_key", key)
              .register(r);
          Gauge.builder("camunda.running.process.instances", runtimeService,
                  rs -> rs.createProcessInstanceQuery().processDefinitionKey(key).count())
              .description("Running (active or suspended) process instances")
              .tag("process_definition_key", key)
              .register(r);
        });
  }
}
