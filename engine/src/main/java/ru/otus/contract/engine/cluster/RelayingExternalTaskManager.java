package ru.otus.contract.engine.cluster;

import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskManager;

/**
 * The engine's external-task manager, which also tells the other nodes when it tells its own long
 * polls that a task became available (a task created, unlocked, failed with retries left, or
 * activated).
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
