import { randomBytes, randomUUID } from 'node:crypto';
import { stackEnv } from '@otus/testing';
import mongoose, { Schema } from 'mongoose';

/**
 * The contract service's data lives in MongoDB; locally and in tests that is FerretDB
 * (docs/mongo-server.md). These are the operations the service relies on, run through
 * mongoose against the stack's server, so a server or driver change that breaks one fails here.
 */
const env = stackEnv();

interface Doc {
  applicationId: string;
  crmApplicationId: string;
  status: string;
  attempts: number;
  pdf?: Buffer;
}

const schema = new Schema<Doc>(
  {
    applicationId: { type: String, required: true, unique: true },
    crmApplicationId: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    pdf: Buffer,
  },
  { timestamps: true },
);
schema.index({ status: 1, createdAt: -1 });

let connection: mongoose.Connection;
let Model: mongoose.Model<Doc>;

beforeAll(async () => {
  connection = await mongoose.createConnection(env.CONTRACT_MONGO_URL, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  Model = connection.model<Doc>(`probe_${randomUUID().slice(0, 8)}`, schema);
  await Model.syncIndexes();
});
afterAll(async () => {
  await Model.collection.drop();
  await connection.close();
});

const doc = (overrides: Partial<Doc> = {}) => ({
  applicationId: randomUUID(),
  crmApplicationId: `crm-${randomUUID()}`,
  status: 'NEW',
  ...overrides,
});

it('creates unique and compound indexes, idempotently', async () => {
  await Model.syncIndexes();
  const indexes = await Model.collection.indexes();
  expect(indexes.find((i) => i.key.applicationId === 1)?.unique).toBe(true);
  expect(indexes.some((i) => i.key.status === 1 && i.key.createdAt === -1)).toBe(true);
});

it('rejects a duplicate of a unique key with E11000', async () => {
  const first = await Model.create(doc());
  await expect(Model.create(doc({ applicationId: first.applicationId }))).rejects.toMatchObject({ code: 11000 });
});

it('stores binary data byte-exact', async () => {
  const pdf = randomBytes(300 * 1024);
  const { _id } = await Model.create(doc({ pdf }));
  const stored = await Model.findById(_id).lean();
  expect(Buffer.from(stored!.pdf!.buffer ?? stored!.pdf!).equals(pdf)).toBe(true);
});

it('upserts by business key and updates conditionally', async () => {
  const applicationId = randomUUID();
  const created = await Model.findOneAndUpdate(
    { applicationId },
    { $setOnInsert: doc({ applicationId }) },
    { upsert: true, new: true },
  );
  const again = await Model.findOneAndUpdate({ applicationId }, { $setOnInsert: doc() }, { upsert: true, new: true });
  expect(again!._id.equals(created!._id)).toBe(true);

  // Only a NEW document moves on: a second transition with the same precondition changes nothing.
  const moved = await Model.updateOne(
    { applicationId, status: 'NEW' },
    { $set: { status: 'SIGNED' }, $inc: { attempts: 1 } },
  );
  const repeated = await Model.updateOne(
    { applicationId, status: 'NEW' },
    { $set: { status: 'SIGNED' }, $inc: { attempts: 1 } },
  );
  expect([moved.modifiedCount, repeated.modifiedCount]).toEqual([1, 0]);
  expect(await Model.countDocuments({ applicationId, status: 'SIGNED', attempts: 1 })).toBe(1);
});

it('filters, sorts and pages', async () => {
  const status = `PAGE-${randomUUID()}`;
  await Model.insertMany([1, 2, 3, 4, 5].map((attempts) => doc({ status, attempts })));
  const page = await Model.find({ status, attempts: { $in: [1, 2, 3, 4] }, pdf: { $exists: false } })
    .sort({ attempts: -1 })
    .skip(1)
    .limit(2)
    .lean();
  expect(page.map((d) => d.attempts)).toEqual([3, 2]);
});
