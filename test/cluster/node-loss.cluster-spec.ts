import { DataSource } from 'typeorm';
import { stack } from '../fault/helpers';
import { apply, conclude, env, journeysAtEveryPoint, MINUTE, stackPid } from '../support/journey-steps';
import {
  crmWithReceiver,
  type CrmWithReceiver,
  deployProbe,
  engineNodes,
  mailsTo,
  openCourse,
  probeWakeUp,
  waitFor,
} from '@otus/testing';

/**
 * One engine node is killed (SIGKILL: no graceful shutdown, its open polls and connections just
 * vanish) while journeys wait at every point and two have only just started; two more arrive while
 * it is down. The workers and the
 * balancer move to the surviving node, every journey concludes once, without an incident; the
 * killed node comes back and is woken by, and wakes, the other again.
 */
const nodes = engineNodes();

jest.setTimeout(6 * MINUTE);

let crm: CrmWithReceiver;
let courseDb: DataSource;

beforeAll(async () => {
  expect(nodes).toHaveLength(2);
  crm = await crmWithReceiver();
  courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
});

afterAll(async () => {
  await crm?.receiver.close();
  await courseDb?.destroy();
  await stack('up', 'engine-2', '--no-build');
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('journeys in every state conclude once on the surviving node; the killed node rejoins', async () => {
  const course = await openCourse({ capacity: 12 });
  const { atForm, atSigning, withCode, signingClient, codeClient, code } = await journeysAtEveryPoint(
    crm.amo,
    course.code,
  );

  // Two whose first tasks (course check, link, e-mail) are being fetched and worked on as the node
  // dies, and two posted while it is gone.
  const justStarted = await Promise.all([apply(crm.amo, course.code), apply(crm.amo, course.code)]);
  const pid = stackPid('engine-2');
  process.kill(pid, 'SIGKILL');
  await waitFor('engine-2 to be gone', () => !isAlive(pid));
  const fresh = [...justStarted, ...(await Promise.all([apply(crm.amo, course.code), apply(crm.amo, course.code)]))];

  await Promise.all([
    conclude(crm.amo, atForm),
    conclude(crm.amo, atSigning, signingClient),
    conclude(crm.amo, withCode, codeClient, code),
    ...fresh.map((started) => conclude(crm.amo, started)),
  ]);

  // Every effect once: one confirmed seat, one webhook of each kind, no e-mail twice.
  const all = [atForm, atSigning, withCode, ...fresh];
  const seats = await courseDb.query(`SELECT status FROM seat_holds WHERE application_id = ANY($1)`, [
    all.map((s) => s.applicationId),
  ]);
  expect(seats).toEqual(all.map(() => ({ status: 'confirmed' })));
  for (const started of all) {
    expect((await crm.webhookTypes(started.applicationId, 2)).sort()).toEqual(['contract.signed', 'link.sent']);
    const subjects = (await mailsTo(started.email)).map((m) => m.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  }

  // The node restarts and takes polls again (workers' connections stay where they are until they
  // reconnect, as behind a Kubernetes Service); the relay works both ways with it.
  await stack('up', 'engine-2', '--no-build');
  await deployProbe(nodes[0]);
  for (const [from, to] of [
    [0, 1],
    [1, 0],
  ]) {
    const woken = await probeWakeUp(nodes[from], nodes[to]);
    expect(woken.tasks).toEqual([expect.objectContaining({ processInstanceId: woken.processInstanceId })]);
    expect(woken.ms).toBeLessThan(3_000);
  }
});
