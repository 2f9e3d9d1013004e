import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { pool, round, summary } from './stats';

/**
 * The local Mongo-protocol server on the operations the contract service leans on (docs/mongo-server.md
 * compares the candidates with it): an equality lookup on an indexed field among `documents`
 * 1 KB documents against one by `_id`, and `writers` conditional findOneAndUpdates racing for one
 * document against as many updates of different documents. `url` may name any candidate server.
 */
export async function mongoStandIn(url: string, documents = 10_000, writers = 200) {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  const Doc = connection.model(
    `bench_${randomUUID().slice(0, 8)}`,
    new Schema({ key: { type: String, unique: true }, left: Number, pad: String }, { versionKey: false }),
  );
  try {
    await Doc.syncIndexes();
    const pad = 'x'.repeat(1_000);
    let started = Date.now();
    for (let i = 0; i < documents; i += 1_000) {
      const size = Math.min(1_000, documents - i);
      await Doc.insertMany(
        Array.from({ length: size }, (_, j) => ({ key: `k${i + j}`, left: 0, pad })),
        { lean: true },
      );
    }
    const insertMsPerDoc = (Date.now() - started) / documents;

    const timed = async (call: () => Promise<unknown>) => {
      const t = performance.now();
      await call();
      return performance.now() - t;
    };
    const keys = Array.from({ length: 50 }, () => `k${Math.floor(Math.random() * documents)}`);
    const byKey = await pool(keys, 1, (key) => timed(() => Doc.findOne({ key }).lean()));
    const ids = (await Doc.find({ key: { $in: keys } }, { _id: 1 }).lean()).map((d) => d._id);
    const byId = await pool(ids, 1, (_id) => timed(() => Doc.findById(_id).lean()));

    const { _id: contended } = await Doc.create({ key: randomUUID(), left: writers / 4, pad });
    started = Date.now();
    const taken = await Promise.all(
      Array.from({ length: writers }, () =>
        Doc.findOneAndUpdate({ _id: contended, left: { $gt: 0 } }, { $inc: { left: -1 } }, { returnDocument: 'after' }),
      ),
    );
    const contendedSeconds = (Date.now() - started) / 1000;
    const separate = ids.slice(0, writers);
    started = Date.now();
    await Promise.all(separate.map((_id) => Doc.updateOne({ _id }, { $inc: { left: 1 } })));
    const separateSeconds = (Date.now() - started) / 1000;

    return {
      documents,
      insertMsPerDoc: round(insertMsPerDoc, 2),
      findOneByIndexedKeyMs: summary(byKey),
      findByIdMs: summary(byId),
      conditionalUpdatesOnOneDocument: {
        writers,
        perSecond: round(writers / contendedSeconds),
        // writers / 4 may win: more (or fewer) means the server did not apply the condition atomically.
        winners: taken.filter((d) => d !== null).length,
        expectedWinners: writers / 4,
      },
      updatesOfSeparateDocumentsPerSecond: round(separate.length / separateSeconds),
    };
  } finally {
    await Doc.collection.drop().catch(() => undefined);
    await connection.close();
  }
}
