package ru.otus.contract.engine.cluster;

import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskManager;

/**
 * The engine's external-task manager, which also tells the other nodes whenever it tells its own
 * long polls that a task became available: Camunda 7.24 does so when a task is created or
 * unlocked. (A task failed with retries left becomes available when its retry timeout passes;
 * no node is told then, each finds it at its polls' next look.)
 */
public class RelayingExternalTaskManager extends ExternalTaskManager {

  private final ClusterRelay relay;

  RelayingExternalTaskManager(ClusterRelay relay) {
    this.relay = relay;
  }

  @Override
  public void fireExternalTaskAvailableEvent() {
    super.fireExternalTaskAvailableEvent();
    relay.taskAvailable(Context.getCommandContext().getDbSqlSession().getSqlSession().getConnection());
  }

  /** Registered as a custom session factory: the engine then opens this manager wherever it asks for its own. */
  static SessionFactory factory(ClusterRelay relay) {
    return new SessionFactory() {
      @Override
      public Class<?> getSessionType() {
        return ExternalTaskManager.class;
      }

      @Override
      public Session openSession() {
        return new RelayingExternalTaskManager(relay);
      }
    };
  }
}
