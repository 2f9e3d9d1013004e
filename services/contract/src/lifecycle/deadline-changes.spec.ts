import type { ConfigService } from '@nestjs/config';
import type { EngineClient } from '@otus/common';
import type { Model } from 'mongoose';
import { ApplicationStatus, type ApplicationDocument } from '../applications/application.schema';
import type { StepClaim } from '../applications/step-claim.schema';
import { StepClaims } from '../applications/step-claims';
import type { AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';
import { LifecycleService } from './lifecycle.service';

/**
 * Deadline changes of one application go one at a time, and the order of the steps is forced
 * here (the e2e race in test/lifecycle.e2e-spec.ts hits it only by chance). The claims are the
 * real StepClaims on a collection kept in memory with a unique _id, as MongoDB keeps it.
 */
function claimsCollection() {
  const docs = new Map<string, StepClaim & { _id: string }>();
  const model = {
    async create(doc: StepClaim & { _id: string }) {
      if (docs.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
      docs.set(doc._id, { ...doc });
      return doc;
    },
    findById: (id: string) => ({ lean: async () => docs.get(id) ?? null }),
    async deleteOne(filter: { _id: string; claimedAt?: Date }) {
      const held = docs.get(filter._id);
      const matches = held && (!filter.claimedAt || held.claimedAt.getTime() === filter.claimedAt.getTime());
      if (matches) docs.delete(filter._id);
      return { deletedCount: matches ? 1 : 0 };
    },
  };
  return { claims: new StepClaims(model as unknown as Model<StepClaim>), docs };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.UTC(2030, 0, 1) + days * DAY);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deadline changes of one application', () => {
  const config = {
    get: (key: string) =>
      ({ CONTRACT_SIGNING_REMINDERS: [], CONTRACT_LINK_SELF_RENEWALS: 1, CONTRACT_LINK_RENEWAL_REQUESTS: 3 })[key],
  } as unknown as ConfigService<ContractEnv, true>;
  const application = {
    _id: 'app-1',
    status: ApplicationStatus.Created,
    processInstanceId: 'pi-1',
  } as unknown as ApplicationDocument;
  const actor = { actor: 'staff:manager@otus.test' } as never;

  it('are judged against the deadline as it is: one read while another moved it is refused', async () => {
    const { claims, docs } = claimsCollection();
    let deadline = at(1);
    let reads = 0;
    const aCorrelating = deferred();
    const aMayFinish = deferred();
    const aFinished = deferred();
    const engine = {
      async variables() {
        const seen = { linkDeadline: deadline.toISOString(), courseStartsAt: at(30).toISOString() };
        // The second read is answered only once the first change is done: it saw the old date.
        if (++reads === 2) await aFinished.promise;
        return seen;
      },
      async correlate(_message: string, _key: string, variables: { linkDeadline: string }) {
        deadline = new Date(variables.linkDeadline);
        if (deadline.getTime() === at(3).getTime()) {
          aCorrelating.resolve();
          await aMayFinish.promise;
        }
        return 'correlated';
      },
    } as unknown as EngineClient;
    const recorded: unknown[] = [];
    const audit = { record: async (_id: string, _action: string, _actor: unknown, d: unknown) => recorded.push(d) };
    const lifecycle = new LifecycleService({} as never, claims, engine, audit as unknown as AuditService, config);

    const a = lifecycle.extend(application, at(3), actor);
    await aCorrelating.promise;
    const b = lifecycle.extend(application, at(2), actor).catch((e: unknown) => e);
    await wait(20);
    aMayFinish.resolve();
    await a;
    aFinished.resolve();

    const second = await b;
    expect(contractErrors.APPLICATION_CHANGED.is(second)).toBe(true);
    // The later date stands: the second change did not move it back from a date it never saw.
    expect(deadline).toEqual(at(3));
    expect(recorded).toEqual([expect.objectContaining({ from: at(1).toISOString(), to: at(3).toISOString() })]);
    expect(docs.size).toBe(0);
  });

  it('a change that outlived its claim leaves the claim of the one that took it over', async () => {
    const { claims } = claimsCollection();
    const busy = () => new Error('busy');
    const firstMayEnd = deferred();
    const first = claims.holding('app-1.deadline-change', 30, busy, () => firstMayEnd.promise);
    await wait(60); // the first claim is now older than 30 ms: stale, as if its request had died
    const secondMayEnd = deferred();
    const second = claims.holding('app-1.deadline-change', 30, busy, () => secondMayEnd.promise);
    await Promise.resolve();
    firstMayEnd.resolve();
    await first;
    // The second still holds it: a third change is told to wait.
    await expect(claims.holding('app-1.deadline-change', 60_000, busy, async () => 'ran')).rejects.toThrow('busy');
    secondMayEnd.resolve();
    await second;
    await expect(claims.holding('app-1.deadline-change', 60_000, busy, async () => 'ran')).resolves.toBe('ran');
  });
});
