import { randomUUID } from 'node:crypto';
import { stackEnv } from '@otus/testing';
import mongoose from 'mongoose';
import { StepClaim, StepClaimSchema } from '../src/applications/step-claim.schema';
import { StepClaims } from '../src/applications/step-claims';

/**
 * Allowances (a code's tries, the codes sent, the corrections, the link renewals) on the stack's
 * Mongo-protocol server: one counter document each, taken by a conditional `$inc`.
 */
let connection: mongoose.Connection;
let model: mongoose.Model<StepClaim>;
let claims: StepClaims;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(stackEnv().CONTRACT_MONGO_URL, { serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  // A collection of its own, so the migration below sees only this suite's claims.
  model = connection.model(StepClaim.name, StepClaimSchema, `step_claims_probe_${randomUUID().slice(0, 8)}`);
  claims = new StepClaims(model);
});
afterAll(async () => {
  await model.collection.drop().catch(() => undefined);
  await connection.close();
});

const application = () => `app-${randomUUID()}`;

it('gives 5 uses to 100 parallel requests, numbered 1 to 5, kept in one document', async () => {
  const counter = `${application()}.correction`;
  const uses = await Promise.all(Array.from({ length: 100 }, () => claims.claimNext(counter, 5)));
  expect(uses.filter((n) => n !== null).sort()).toEqual([1, 2, 3, 4, 5]);
  expect(await claims.countTaken(counter)).toBe(5);
  expect(await model.countDocuments({ _id: { $regex: `^${counter}` } })).toBe(1);
});

it('takes a use given back again, and never counts below zero', async () => {
  const counter = `${application()}.code-sent.0`;
  expect(await claims.countTaken(counter)).toBe(0);
  expect(await claims.claimNext(counter, 2)).toBe(1);
  expect(await claims.claimNext(counter, 2)).toBe(2);
  expect(await claims.claimNext(counter, 2)).toBeNull();
  await claims.giveBack(counter);
  expect(await claims.countTaken(counter)).toBe(1);
  expect(await claims.claimNext(counter, 2)).toBe(2);
  await Promise.all([claims.giveBack(counter), claims.giveBack(counter), claims.giveBack(counter)]);
  expect(await claims.countTaken(counter)).toBe(0);
});

it('counts the uses an older version claimed one by one, once, and leaves other steps alone', async () => {
  const id = application();
  const old = [
    `${id}.correction.1`,
    `${id}.correction.2`,
    `${id}.code-sent.1.1`,
    `${id}.code-try.signing-code-m1.1`,
    `${id}.code-try.signing-code-m1.2`,
    `${id}.code-try.signing-code-m1.3`,
    `${id}.link-renewal.school.1`,
  ];
  const kept = [`${id}.data-submitted`, `${id}.signing-locked.1`, `${id}.signing-unlocked.2`];
  await model.insertMany([...old, ...kept].map((_id) => ({ _id, claimedAt: new Date() })));

  await claims.onModuleInit();
  await claims.onModuleInit();

  expect(await claims.countTaken(`${id}.correction`)).toBe(2);
  expect(await claims.countTaken(`${id}.code-sent.1`)).toBe(1);
  expect(await claims.countTaken(`${id}.code-try.signing-code-m1`)).toBe(3);
  expect(await claims.countTaken(`${id}.link-renewal.school`)).toBe(1);
  expect(await claims.claimNext(`${id}.correction`, 3)).toBe(3);
  expect(await claims.claimNext(`${id}.correction`, 3)).toBeNull();
  const left = (await model.find({}, { _id: 1 }).lean()).map((c) => c._id).filter((c) => c.startsWith(id));
  expect(left.sort()).toEqual(
    [
      ...kept,
      `${id}.correction`,
      `${id}.code-sent.1`,
      `${id}.code-try.signing-code-m1`,
      `${id}.link-renewal.school`,
    ].sort(),
  );
});
