import { DataSource } from 'typeorm';
import { crm, openCourse, processOf } from '@otus/testing';
import { stack } from './helpers';
import { conclude, engine, env, journeysAtEveryPoint, MINUTE, waitingIn } from '../support/journey-steps';

/**
 * The engine is stopped and started again while applications wait at different points:
 * the instances live in PostgreSQL, the workers reconnect on their own, and every journey
 * goes on to its end as if nothing had happened.
 */
jest.setTimeout(5 * MINUTE);

afterAll(() => stack('up', 'engine'));

it('instances waiting for the form, for the signature and with a code already sent all conclude after a restart', async () => {
  const amo = await crm();
  const course = await openCourse({ capacity: 5 });
  const { atForm, atSigning, withCode, signingClient, codeClient, code } = await journeysAtEveryPoint(amo, course.code);
  const before = await Promise.all([atForm, atSigning, withCode].map((s) => processOf(s.applicationId)));

  await stack('down', 'engine');
  await stack('up', 'engine');

  // Same instances, still waiting where they were.
  const running = await engine.request<{ id: string }[]>('POST', '/process-instance', { processInstanceIds: before });
  expect(running.map((p) => p.id).sort()).toEqual([...before].sort());
  await waitingIn(atForm.applicationId, 'Task_WaitClientData');
  await waitingIn(atSigning.applicationId, 'Task_WaitSignature');
  await waitingIn(withCode.applicationId, 'Task_WaitSignature');

  await Promise.all([
    conclude(amo, atForm),
    conclude(amo, atSigning, signingClient),
    // The code e-mailed before the restart is still the one that signs.
    conclude(amo, withCode, codeClient, code),
  ]);

  const db = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
  try {
    const seats = await db.query(`SELECT status FROM seat_holds WHERE application_id = ANY($1)`, [
      [atForm, atSigning, withCode].map((s) => s.applicationId),
    ]);
    expect(seats).toEqual([{ status: 'confirmed' }, { status: 'confirmed' }, { status: 'confirmed' }]);
  } finally {
    await db.destroy();
  }
});
