import { MINUTE, stackPid } from '../support/journey-steps';
import { stack } from '../fault/helpers';
import {
  deployProbe,
  engineNodes,
  fetchAndLock,
  lockProbeTask,
  openPolls,
  probeWakeUp,
  PROBE,
  probeWorker,
  untilPollOpen,
  waitFor,
  workerPid,
} from '@otus/testing';

/**
 * Two engine nodes on one PostgreSQL: a long poll is woken by a task whichever node created it,
 * and a worker's release of its open poll reaches whichever node holds it (engine cluster/
 * ClusterRelay). Without the relay, a poll on the other node finds the task only when something
 * else wakes its node: Camunda's 30 s re-check, or another poll there timing out (the stack's
 * workers' 20 s polls do, every few seconds); a relayed wake-up takes milliseconds. So each
 * wake-up is tried several times against a bound that chance meets about half the time.
 */
const nodes = engineNodes();

jest.setTimeout(3 * MINUTE);

/** From the request that makes the task to the poll's answer. */
const WOKEN_WITHIN_MS = 3_000;
const TRIES = 3;
const LONG_POLL_MS = 60_000;

beforeAll(async () => {
  expect(nodes).toHaveLength(2);
  await deployProbe(nodes[0]);
});

describe.each([
  ['node 1', 0, 1],
  ['node 2', 1, 0],
])('a task created on %s', (_name, from, to) => {
  it('wakes a long poll open on the other node at once, every time', async () => {
    const times: number[] = [];
    for (let i = 0; i < TRIES; i++) {
      const woken = await probeWakeUp(nodes[from], nodes[to], LONG_POLL_MS);
      expect(woken.tasks).toEqual([expect.objectContaining({ processInstanceId: woken.processInstanceId })]);
      times.push(woken.ms);
    }
    expect(times.filter((ms) => ms >= WOKEN_WITHIN_MS)).toEqual([]);
  });
});

it('a task unlocked on one node (its worker let it go) wakes a poll on the other, every time', async () => {
  const times: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    const first = probeWorker();
    const instance = await nodes[0].api.start(PROBE.key, first, {});
    const taken = await lockProbeTask(nodes[0], first, instance.id);

    const second = probeWorker();
    const poll = fetchAndLock(nodes[1], second, { asyncResponseTimeout: LONG_POLL_MS });
    await untilPollOpen(nodes[1], second);
    const made = Date.now();
    await nodes[0].api.request('POST', `/external-task/${taken.id}/unlock`);

    const answer = await poll;
    expect(answer.tasks).toEqual([expect.objectContaining({ id: taken.id, workerId: second })]);
    times.push(answer.at - made);
    await nodes[1].api.request('POST', `/external-task/${taken.id}/complete`, { workerId: second });
  }
  expect(times.filter((ms) => ms >= WOKEN_WITHIN_MS)).toEqual([]);
});

it("a worker's release poll on one node ends its open poll on the other, so no task is locked for it", async () => {
  const workerId = probeWorker();
  const poll = fetchAndLock(nodes[0], workerId, { asyncResponseTimeout: LONG_POLL_MS });
  await untilPollOpen(nodes[0], workerId);

  // What a stopping worker sends (packages/common WorkerService.releaseOpenPoll), to the other node.
  const release = await fetchAndLock(nodes[1], workerId, { maxTasks: 0, asyncResponseTimeout: 1 });
  expect(release.status).toBe(200);
  const released = Date.now();
  const ended = await poll;
  expect(ended.at - released).toBeLessThan(WOKEN_WITHIN_MS);
  expect(ended.tasks).toEqual([]);
  // The node's list of open polls is refreshed by its long-poll thread, a moment after the answer.
  await waitFor(
    `${workerId} to leave node 1's open polls`,
    async () => !(await openPolls(nodes[0])).some((p) => p.workerId === workerId),
    { timeoutMs: 2_000 },
  );

  // A task created now goes to a live worker, never to the one that left.
  const instance = await nodes[1].api.start(PROBE.key, workerId, {});
  const other = probeWorker();
  const taken = await lockProbeTask(nodes[1], other, instance.id);
  expect(taken.workerId).toBe(other);
  await nodes[1].api.request('POST', `/external-task/${taken.id}/complete`, { workerId: other });
});

it('/actuator/longpolls shows the polls of every service process', async () => {
  const services = ['user', 'contract', 'course', 'promo', 'notification'];
  const processes = services
    .flatMap((s) => [s, `${s}-2`])
    .map((component) => ({ component, pid: stackPid(component) }));
  // A worker's poll is open between answers; across a few looks every process is seen.
  // Right after `stack:up` a worker may still be backing off from the engine's start (up to 30 s).
  const seen = new Set<number>();
  await waitFor(
    'a poll of every service process',
    async () => {
      for (const node of nodes) {
        for (const poll of await openPolls(node)) {
          expect(poll.topics.length).toBeGreaterThan(0);
          seen.add(workerPid(poll.workerId));
        }
      }
      return processes.every(({ pid }) => seen.has(pid));
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
});

it('a service process that stops leaves no open poll on either node', async () => {
  const pid = stackPid('course-2');
  const pollsOf = async () =>
    (await Promise.all(nodes.map(openPolls))).flat().filter((p) => workerPid(p.workerId) === pid);
  await waitFor('course-2 to have a poll open', async () => (await pollsOf()).length > 0);
  try {
    await stack('down', 'course-2');
    // Its release went through the balancer to either node; both end the poll at once (without
    // the relay the other node keeps it until its 20 s run out).
    await waitFor('no poll of course-2 on either node', async () => (await pollsOf()).length === 0, {
      timeoutMs: 3_000,
    });
  } finally {
    await stack('up', 'course-2', '--no-build');
  }
});
