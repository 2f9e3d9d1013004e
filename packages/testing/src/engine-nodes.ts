import { randomUUID } from 'node:crypto';
import { basicAuthorization } from '@otus/common';
import { adminCredentials, EngineApi } from './engine-api';
import { oneTaskProcess } from './one-task-process';
import { stackEnv } from './stack-env';
import { waitFor } from './wait-for';

/**
 * The stack's engine nodes, each addressed directly (not through the balancer): one, or two on
 * the cluster topology. For the tests and the benchmark of the nodes' cluster relay.
 */
export interface EngineNode {
  url: string;
  api: EngineApi;
  actuator: string;
}

export function engineNodes(): EngineNode[] {
  return String(stackEnv().ENGINE_NODE_URLS ?? '')
    .split(',')
    .filter(Boolean)
    .map((url) => ({ url, api: new EngineApi(url), actuator: url.replace(/\/engine-rest$/, '/actuator') }));
}

export interface OpenPoll {
  workerId: string;
  topics: string[];
}

/** The long polls a node holds open right now (GET /actuator/longpolls). */
export async function openPolls(node: EngineNode): Promise<OpenPoll[]> {
  const response = await fetch(`${node.actuator}/longpolls`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${node.actuator}/longpolls → ${response.status}`);
  return ((await response.json()) as { polls: OpenPoll[] }).polls;
}

export function untilPollOpen(node: EngineNode, workerId: string): Promise<OpenPoll> {
  return waitFor(`${workerId}'s poll to be open on ${node.url}`, async () =>
    (await openPolls(node)).find((p) => p.workerId === workerId),
  );
}

/** A one-task model of its own, so that no service's worker takes the probe's tasks. */
export const PROBE = { key: 'cluster-relay-probe', topic: 'cluster-relay-probe' };

export async function deployProbe(node: EngineNode): Promise<void> {
  await node.api.deploy(PROBE.key, { [`${PROBE.key}.bpmn`]: oneTaskProcess(PROBE) });
}

export interface LockedTask {
  id: string;
  processInstanceId: string;
  workerId: string;
}

/** POST /external-task/fetchAndLock on one node; resolves with the answer's status, tasks and time of arrival. */
export async function fetchAndLock(
  node: EngineNode,
  workerId: string,
  options: { maxTasks?: number; asyncResponseTimeout?: number } = {},
): Promise<{ status: number; tasks: LockedTask[]; at: number }> {
  const { maxTasks = 1, asyncResponseTimeout } = options;
  const response = await fetch(`${node.url}/external-task/fetchAndLock`, {
    method: 'POST',
    headers: { authorization: basicAuthorization(adminCredentials()), 'content-type': 'application/json' },
    body: JSON.stringify({
      workerId,
      maxTasks,
      ...(asyncResponseTimeout !== undefined && { asyncResponseTimeout }),
      topics: maxTasks === 0 ? [] : [{ topicName: PROBE.topic, lockDuration: 60_000 }],
    }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    tasks: response.ok && text ? (JSON.parse(text) as LockedTask[]) : [],
    at: Date.now(),
  };
}

export const probeWorker = () => `relay-probe-${randomUUID().slice(0, 8)}`;

/** The probe task of `processInstanceId`, fetched and locked by `workerId` on `node` (no long poll). */
export function lockProbeTask(node: EngineNode, workerId: string, processInstanceId: string): Promise<LockedTask> {
  return waitFor(`the probe task of ${processInstanceId} to be locked`, async () => {
    const { tasks } = await fetchAndLock(node, workerId);
    return tasks.find((t) => t.processInstanceId === processInstanceId);
  });
}

/** The pid in a service worker's id, `<service>-<host>-<pid>-<random>` (packages/common WorkerService). */
export const workerPid = (workerId: string): number => Number(workerId.split('-').at(-2));

/**
 * A long poll opened on `pollOn`, then a probe instance started on `startOn`: resolves with how
 * long the poll took to answer after the start was requested, and the tasks it got (completed
 * again, so nothing stays behind).
 */
export async function probeWakeUp(
  startOn: EngineNode,
  pollOn: EngineNode,
  asyncResponseTimeout = 60_000,
): Promise<{ ms: number; processInstanceId: string; tasks: LockedTask[] }> {
  const workerId = probeWorker();
  const poll = fetchAndLock(pollOn, workerId, { asyncResponseTimeout });
  await untilPollOpen(pollOn, workerId);
  const made = Date.now();
  const instance = await startOn.api.start(PROBE.key, workerId, {});
  const answer = await poll;
  for (const task of answer.tasks) {
    await pollOn.api.request('POST', `/external-task/${task.id}/complete`, { workerId });
  }
  return { ms: answer.at - made, processInstanceId: instance.id, tasks: answer.tasks };
}
