import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConnection } from 'mongoose';
import { DataSource } from 'typeorm';
import { clientSession, REPO_ROOT, uniqueAddress } from '@otus/testing';
import { env, type Http, untilState } from './journey-steps';

/**
 * One person nobody else in the tests is: every value unique, so a search of every store for
 * them finds this application's data and no other's.
 */
export function uniquePerson() {
  const tag = randomUUID().slice(0, 6);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const surname = `Стиралкин${tag.replace(/\d/g, (d) => 'абвгдежзик'[Number(d)])}`;
  const phone = `+7999${digits(7)}`;
  return {
    clientName: `Ерофей ${surname}`,
    clientEmail: uniqueAddress(`erase-${tag}`),
    clientPhone: phone,
    form: {
      fullName: `${surname} Ерофей Ильич`,
      birthDate: '1991-02-03',
      passportSeries: digits(4),
      passportNumber: digits(6),
      passportIssuedBy: `ОВД района ${surname}`,
      passportIssueDate: '2016-03-04',
      address: `г. Тула, ул. ${surname}, д. 7`,
      phone,
      consent: true,
    },
  };
}
export type Person = ReturnType<typeof uniquePerson>;

/** What identifies the person, as it could be stored (the phone also without its +). */
export function traces(person: Person, extra: string[] = []): string[] {
  return [
    person.clientName,
    person.clientEmail,
    person.clientPhone.slice(1),
    person.form.fullName,
    person.form.passportIssuedBy,
    person.form.address,
    // Series and number together: six digits alone turn up inside any timestamp or id.
    `${person.form.passportSeries}${person.form.passportNumber}`,
    `${person.form.passportSeries} ${person.form.passportNumber}`,
    ...extra,
  ];
}

/**
 * The person applies through the CRM (with a promo code, if given) and, unless `submit` is false,
 * fills in the form and waits for the draft; the client's session comes back.
 */
export async function applyAs(
  crm: Http,
  courseCode: string,
  person: Person,
  { promoCode, submit = true }: { promoCode?: string; submit?: boolean } = {},
) {
  const crmApplicationId = `crm-person-${randomUUID()}`;
  const { status, body } = await crm.post('/applications', {
    crmApplicationId,
    courseCode,
    clientName: person.clientName,
    clientEmail: person.clientEmail,
    clientPhone: person.clientPhone,
    ...(promoCode && { promoCode }),
  });
  if (status !== 201) throw new Error(`CRM post: ${status} ${JSON.stringify(body)}`);
  const client = await clientSession(body.applicationId);
  if (submit) {
    const form = await client.post('/form', person.form);
    if (form.status !== 204) throw new Error(`form: ${form.status} ${JSON.stringify(form.body)}`);
    await untilState(client, 'SIGNING');
  }
  return { applicationId: body.applicationId as string, crmApplicationId, client };
}

const PG_DATABASES = ['USER_DB_URL', 'COURSE_DB_URL', 'PROMO_DB_URL', 'NOTIFICATION_DB_URL'] as const;

/**
 * Where any of `needles` is still found: every row of every table of the services' PostgreSQL
 * databases and the engine's, every document of the contract service's MongoDB, and the stack's
 * logs (but the SMTP catcher's, which is the mailbox the e-mails went to). Each finding names the store.
 */
export async function findPersonalData(
  needles: string[],
  { mongoUrl = env.CONTRACT_MONGO_URL }: { mongoUrl?: string } = {},
): Promise<string[]> {
  const found: string[] = [];
  const engineDb = env.ENGINE_DB_URL.replace(/^jdbc:/, '').replace(
    /^postgresql:\/\//,
    `postgres://${env.PG_USER}:${env.PG_PASSWORD}@`,
  );
  for (const [name, url] of [...PG_DATABASES.map((n) => [n, env[n]] as const), ['ENGINE_DB_URL', engineDb] as const]) {
    const db = await new DataSource({ type: 'postgres', url }).initialize();
    try {
      const tables: { schema: string; table: string }[] = await db.query(
        `SELECT table_schema AS schema, table_name AS "table" FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      for (const { schema, table } of tables) {
        // A bytea column (the engine's serialized variables) reads as hex: each needle is looked for in hex too.
        const rows: { row: string }[] = await db.query(`SELECT t::text AS row FROM "${schema}"."${table}" t`);
        for (const { row } of rows) {
          for (const needle of needles) {
            if (row.includes(needle) || row.includes(Buffer.from(needle).toString('hex'))) {
              found.push(`${name} ${table}: ${needle}`);
            }
          }
        }
      }
    } finally {
      await db.destroy();
    }
  }
  const mongo = await createConnection(mongoUrl).asPromise();
  try {
    for (const { name } of await mongo.db!.listCollections().toArray()) {
      for (const doc of await mongo.collection(name).find({}).toArray()) {
        const text = JSON.stringify(doc);
        for (const needle of needles) if (text.includes(needle)) found.push(`mongo ${name}: ${needle}`);
      }
    }
  } finally {
    await mongo.close();
  }
  const logs = resolve(REPO_ROOT, '.stack/logs');
  for (const file of readdirSync(logs).filter((f) => f.endsWith('.log') && !f.startsWith('mail'))) {
    const text = readFileSync(resolve(logs, file), 'utf8');
    for (const needle of needles) if (text.includes(needle)) found.push(`log ${file}: ${needle}`);
  }
  return [...new Set(found)];
}
