import { randomBytes, randomUUID } from 'node:crypto';
import { stackEnv } from '@otus/testing';
import mongoose, { Schema } from 'mongoose';
import { DataSource } from 'typeorm';

/**
 * The contract service's data lives in MongoDB; locally and in tests a stand-in that speaks its
 * protocol (docs/mongo-server.md). This conformance suite is what the service relies on, run
 * through mongoose, so a server or driver change that breaks one fails here. It runs against the
 * stack's server, or against a candidate: MONGO_CONFORMANCE_URL=mongodb://… (docs/mongo-server.md).
 */
const env = stackEnv();
const url = process.env.MONGO_CONFORMANCE_URL || env.CONTRACT_MONGO_URL;

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
  connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
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

describe('one document, many writers at once (MongoDB applies each single-document write atomically)', () => {
  const WRITERS = 200;

  it('applies each conditional findOneAndUpdate atomically: 200 takers of 50 seats, exactly 50 win', async () => {
    const { _id } = await Model.create(doc({ attempts: 50 }));
    const taken = await Promise.all(
      Array.from({ length: WRITERS }, () =>
        Model.findOneAndUpdate({ _id, attempts: { $gt: 0 } }, { $inc: { attempts: -1 } }, { returnDocument: 'after' }),
      ),
    );
    const winners = taken.filter((d) => d !== null);
    expect(winners).toHaveLength(50);
    // Each winner saw its own decrement: the values after are 49…0, each once.
    expect(new Set(winners.map((d) => d!.attempts)).size).toBe(50);
    expect((await Model.findById(_id).lean())!.attempts).toBe(0);
  });

  it('loses no $inc among 200 at once', async () => {
    const { _id } = await Model.create(doc());
    await Promise.all(Array.from({ length: WRITERS }, () => Model.updateOne({ _id }, { $inc: { attempts: 1 } })));
    expect((await Model.findById(_id).lean())!.attempts).toBe(WRITERS);
  });

  it('loses no $set of another field among 200 at once', async () => {
    const { _id } = await Model.create(doc());
    const raw = Model.collection;
    await Promise.all(Array.from({ length: WRITERS }, (_, i) => raw.updateOne({ _id }, { $set: { [`f${i}`]: i } })));
    const stored = (await raw.findOne({ _id })) as Record<string, unknown>;
    expect(Array.from({ length: WRITERS }, (_, i) => stored[`f${i}`])).toEqual(
      Array.from({ length: WRITERS }, (_, i) => i),
    );
  });

  it('lets one of 200 simultaneous status transitions through', async () => {
    const { _id } = await Model.create(doc());
    const moved = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        Model.updateOne({ _id, status: 'NEW' }, { $set: { status: `TAKEN-${i}` } }).then((r) => r.modifiedCount),
      ),
    );
    expect(moved.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

it('finds by an indexed field among 10 000 documents', async () => {
  const batch = `BULK-${randomUUID()}`;
  const docs = Array.from({ length: 10_000 }, (_, i) => doc({ status: batch, crmApplicationId: `${batch}-${i}` }));
  for (let i = 0; i < docs.length; i += 1_000) await Model.insertMany(docs.slice(i, i + 1_000), { lean: true });
  const wanted = docs[7_777];
  const found = await Model.findOne({ applicationId: wanted.applicationId }).lean();
  expect(found?.crmApplicationId).toBe(wanted.crmApplicationId);
  expect(await Model.countDocuments({ status: batch })).toBe(10_000);
  // Through an index, by the indexed field and by _id: not a scan of the collection.
  for (const filter of [{ applicationId: wanted.applicationId }, { _id: found!._id }]) {
    const plan = JSON.stringify(
      await connection.db!.command({ explain: { find: Model.collection.name, filter }, verbosity: 'queryPlanner' }),
    );
    expect(plan).not.toMatch(/COLLSCAN|Seq Scan/);
    expect(plan).toMatch(/IXSCAN|IDHACK|EXPRESS_IXSCAN|Index Scan/);
  }
  await Model.deleteMany({ status: batch });
});

// FerretDB passes a lookup's field as a bind parameter of a prepared statement; only a plan made
// with the values can use the index (stack/mongo/indexes.sql).
(process.env.MONGO_CONFORMANCE_URL ? it.skip : it)(
  "plans every statement of the stack's stand-in with its values",
  async () => {
    const pg = new DataSource({
      type: 'postgres',
      url: `postgres://${env.PG_USER}:${env.PG_PASSWORD}@${env.STACK_HOST}:${env.PG_PORT}/mongo`,
    });
    await pg.initialize();
    try {
      const [setting] = await pg.query(
        `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'mongo'`,
      );
      expect(setting?.setconfig).toContain('plan_cache_mode=force_custom_plan');
    } finally {
      await pg.destroy();
    }
  },
);
