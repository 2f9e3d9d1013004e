package ru.otus.contract.engine.cluster;

import jakarta.ws.rs.container.AsyncResponse;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.dto.externaltask.FetchExternalTasksDto.FetchExternalTaskTopicDto;
import org.camunda.bpm.engine.rest.dto.externaltask.FetchExternalTasksExtendedDto;
import org.camunda.bpm.engine.rest.impl.FetchAndLockHandlerImpl;
import org.camunda.bpm.engine.rest.impl.FetchAndLockRequest;

/**
 * Camunda's long-poll handler (found through META-INF/services before Camunda's own), with two
 * additions for a cluster: a release poll (maxTasks 0 under unique-worker-request) is relayed so
 * that every node ends that worker's open poll, and the open polls are listed for
 * {@code /actuator/longpolls}. Everything else is Camunda's.
 */
public class ClusterFetchAndLockHandler extends FetchAndLockHandlerImpl {

  private static final Logger LOG = Logger.getLogger(ClusterFetchAndLockHandler.class.getName());
  private static volatile ClusterFetchAndLockHandler current;

  /** Worker ids whose open poll another node was asked to end; drained by the handler thread. */
  private final Queue<String> remoteReleases = new ConcurrentLinkedQueue<>();
  /** The releases of the handler's current pass (handler thread only). */
  private Set<String> releasing = Set.of();
  private volatile List<OpenPoll> openPolls = List.of();

  public record OpenPoll(String workerId, List<String> topics, Instant until) {}

  public ClusterFetchAndLockHandler() {
    current = this;
  }

  /** The open long polls of this node, as of the handler's last pass. */
  public static List<OpenPoll> openPolls() {
    ClusterFetchAndLockHandler handler = current;
    return handler == null ? List.of() : handler.openPolls;
  }

  static void releaseHere(String workerId) {
    ClusterFetchAndLockHandler handler = current;
    if (handler == null) return;
    handler.remoteReleases.add(workerId);
    handler.condition.signal();
  }

  @Override
  public void start() {
    super.start();
    LOG.info("long polls handled by " + getClass().getSimpleName());
  }

  @Override
  public void addPendingRequest(FetchExternalTasksExtendedDto dto, AsyncResponse asyncResponse, ProcessEngine engine) {
    ClusterRelay relay = ClusterRelay.active();
    if (relay != null && isUniqueWorkerRequest && dto.getWorkerId() != null && dto.getMaxTasks() == 0) {
      relay.releaseWorker(dto.getWorkerId());
    }
    super.addPendingRequest(dto, asyncResponse, engine);
  }

  @Override
  protected void acquire() {
    // On the handler thread, the only one that touches pendingRequests and newRequests.
    Set<String> drained = new HashSet<>();
    for (String workerId; (workerId = remoteReleases.poll()) != null; ) drained.add(workerId);
    releasing = drained;
    if (!drained.isEmpty() && cancelReleased(pendingRequests)) listOpenPolls();
    super.acquire();
  }

  /** Also the polls that arrived with this pass, still on their way into pendingRequests. */
  @Override
  protected void removeDuplicates() {
    super.removeDuplicates();
    if (!releasing.isEmpty()) cancelReleased(newRequests);
  }

  private boolean cancelReleased(List<FetchAndLockRequest> requests) {
    return requests.removeIf(request -> {
      if (!releasing.contains(request.getDto().getWorkerId())) return false;
      request.getAsyncResponse().cancel();
      return true;
    });
  }

  @Override
  protected void suspend(long millis) {
    listOpenPolls();
    super.suspend(millis);
  }

  private void listOpenPolls() {
    openPolls = pendingRequests.stream().map(ClusterFetchAndLockHandler::describe).toList();
  }

  private static OpenPoll describe(FetchAndLockRequest request) {
    List<FetchExternalTaskTopicDto> topics = request.getDto().getTopics();
    return new OpenPoll(request.getDto().getWorkerId(),
        topics == null ? List.of() : topics.stream().map(FetchExternalTaskTopicDto::getTopicName).toList(),
        Instant.ofEpochMilli(request.getTimeoutTimestamp()));
  }
}
