import { randomUUID } from 'node:crypto';
import { IncidentError } from '@otus/common';
import { createServiceModule, type ServiceTestModule } from '@otus/testing';
import { userEnv } from '../src/config';
import { ClientLinkService } from '../src/client-links/client-link.service';
import { migrations } from '../src/migrations';
import { secretHash } from '@otus/common';
import { userErrors } from '../src/user-errors';
import { ExtendClientLinkHandler } from '../src/worker/extend-client-link.handler';
import { IssueClientLinkHandler } from '../src/worker/issue-client-link.handler';
import { UserWorkerModule } from '../src/worker/user-worker.module';

/**
 * The client link's deadlines on a database of their own, through the two worker handlers as the
 * runner calls them (input parsed from process variables, then handled): the link is issued
 * for the form deadline the process gives, and staff extensions move it later, never earlier.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CABINET = 30 * DAY;
const SIGN_TTL = 'PT48H';

let service: ServiceTestModule;
let issue: IssueClientLinkHandler;
let extend: ExtendClientLinkHandler;
let links: ClientLinkService;

beforeAll(async () => {
  service = await createServiceModule({
    label: 'user-client-links',
    env: userEnv,
    envOverrides: { USER_CABINET_ACCESS: 'P30D' },
    postgres: { urlVariable: 'USER_DB_URL', migrations },
    imports: [UserWorkerModule],
  });
  issue = service.get(IssueClientLinkHandler);
  extend = service.get(ExtendClientLinkHandler);
  links = service.get(ClientLinkService);
});
afterAll(() => service?.close());

/** A whole-second instant `ms` from now, so it survives the round trip through PostgreSQL unchanged. */
const fromNow = (ms: number) => new Date(Math.floor((Date.now() + ms) / 1000) * 1000);

const issueVariables = (applicationId: string, linkDeadline: unknown) => ({
  applicationId,
  linkDeadline,
  signTtl: SIGN_TTL,
  clientName: 'Петрова Анна Сергеевна',
  clientEmail: 'anna.petrova@example.test',
});

async function issued(applicationId: string, linkDeadline: Date) {
  return issue.handle(issue.input.parse(issueVariables(applicationId, linkDeadline.toISOString())));
}

async function expiresAt(applicationId: string): Promise<Date> {
  const [row] = (await service.db.query('SELECT expires_at FROM client_links WHERE application_id = $1', [
    applicationId,
  ])) as { expires_at: Date }[];
  return row.expires_at;
}

const extendWith = (variables: Record<string, unknown>) =>
  extend.handle(extend.input.parse({ signTtl: SIGN_TTL, ...variables }));

describe('user.issue-client-link', () => {
  it('takes the form deadline from linkDeadline: the link lives until it, signing time and the cabinet period', async () => {
    const applicationId = randomUUID();
    // Nine days away, as a course calendar might allow; no TTL from "now" is involved.
    const linkDeadline = fromNow(9 * DAY);
    const output = await issued(applicationId, linkDeadline);
    expect(output.linkExpiresAt).toBe(linkDeadline.toISOString());
    expect(output.clientLinkRef).toEqual(expect.any(String));
    expect((await expiresAt(applicationId)).toISOString()).toBe(
      new Date(linkDeadline.getTime() + 48 * HOUR + CABINET).toISOString(),
    );
  });

  it('takes linkDeadline as a Date-typed engine variable too, and needs it', async () => {
    const applicationId = randomUUID();
    const linkDeadline = fromNow(2 * DAY);
    const output = await issue.handle(issue.input.parse(issueVariables(applicationId, linkDeadline)));
    expect(output.linkExpiresAt).toBe(linkDeadline.toISOString());
    for (const bad of [undefined, 'next week', '2027-01-15']) {
      const result = issue.input.safeParse(issueVariables(randomUUID(), bad));
      expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['linkDeadline']);
    }
  });

  it('issues for an instance of the model version before the calendar bounds, from linkTtl', async () => {
    const applicationId = randomUUID();
    const before = Date.now();
    const output = await issue.handle(
      issue.input.parse({ ...issueVariables(applicationId, undefined), linkTtl: 'PT72H' }),
    );
    const deadline = new Date(output.linkExpiresAt).getTime();
    expect(deadline).toBeGreaterThanOrEqual(before + 72 * HOUR);
    expect(deadline).toBeLessThan(Date.now() + 72 * HOUR + 1_000);
  });
});

describe('user.extend-client-link', () => {
  it('keeps the link working until a later form deadline, its signing time and the cabinet period', async () => {
    const applicationId = randomUUID();
    await issued(applicationId, fromNow(DAY));
    const later = fromNow(5 * DAY);
    await expect(extendWith({ applicationId, linkDeadline: later.toISOString() })).resolves.toEqual({});
    expect((await expiresAt(applicationId)).getTime()).toBe(later.getTime() + 48 * HOUR + CABINET);
  });

  it('counts from signDeadline once signing has one, instead of linkDeadline + signTtl', async () => {
    const applicationId = randomUUID();
    const linkDeadline = fromNow(DAY);
    await issued(applicationId, linkDeadline);
    const signDeadline = fromNow(10 * DAY);
    await extendWith({
      applicationId,
      linkDeadline: linkDeadline.toISOString(),
      signDeadline: signDeadline.toISOString(),
    });
    expect((await expiresAt(applicationId)).getTime()).toBe(signDeadline.getTime() + CABINET);
  });

  it('never makes the link end earlier', async () => {
    const applicationId = randomUUID();
    await issued(applicationId, fromNow(5 * DAY));
    const before = await expiresAt(applicationId);
    // An earlier form deadline, and a signing deadline before the current end of signing.
    await extendWith({ applicationId, linkDeadline: fromNow(DAY).toISOString() });
    await extendWith({
      applicationId,
      linkDeadline: fromNow(5 * DAY).toISOString(),
      signDeadline: fromNow(6 * DAY).toISOString(),
    });
    expect(await expiresAt(applicationId)).toEqual(before);
  });

  it('keeps the later of two extensions that run at the same moment', async () => {
    const applicationId = randomUUID();
    await issued(applicationId, fromNow(DAY));
    const deadlines = [fromNow(3 * DAY), fromNow(7 * DAY), fromNow(4 * DAY), fromNow(6 * DAY)];
    await Promise.all(deadlines.map((d) => extendWith({ applicationId, linkDeadline: d.toISOString() })));
    expect((await expiresAt(applicationId)).getTime()).toBe(deadlines[1].getTime() + 48 * HOUR + CABINET);
  });

  it('makes an application without a link an incident, changing nothing', async () => {
    const applicationId = randomUUID();
    const attempt = extendWith({ applicationId, linkDeadline: fromNow(DAY).toISOString() });
    await expect(attempt).rejects.toBeInstanceOf(IncidentError);
    await expect(attempt).rejects.toThrow(new RegExp(`${applicationId} has no client link`));
    expect(await service.db.query('SELECT 1 FROM client_links WHERE application_id = $1', [applicationId])).toEqual([]);
  });

  it('names bad variables', () => {
    const result = extend.input.safeParse({ applicationId: 'a', linkDeadline: 'tomorrow', signDeadline: 5 });
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'linkDeadline',
      'signDeadline',
      'signTtl',
    ]);
  });
});

describe('ClientLinkService.lookup, for a client whose link no longer opens', () => {
  const HOLDER = { name: 'Петрова Анна Сергеевна', email: 'anna.petrova@example.test' };
  const newLink = async (applicationId: string) =>
    (await links.issue(applicationId, fromNow(DAY), fromNow(3 * DAY), HOLDER)).token;

  it('says a token replaced by a newer link is "replaced", and the newer one "valid"', async () => {
    const applicationId = randomUUID();
    const first = await newLink(applicationId);
    const second = await newLink(applicationId);
    await expect(links.lookup(first)).resolves.toEqual({ applicationId, state: 'replaced', newerLinkInUse: false });
    await expect(links.lookup(second)).resolves.toEqual({ applicationId, state: 'valid' });
    // The replaced token still opens nothing; only its hash is kept.
    await expect(links.exchange(first)).rejects.toThrow('This link is not valid or has expired');
    const retired = await service.db.query(
      'SELECT token_hash, retired_at FROM client_links_retired WHERE application_id = $1',
      [applicationId],
    );
    expect(retired).toEqual([{ token_hash: secretHash(first), retired_at: expect.any(Date) }]);
    expect(JSON.stringify(retired)).not.toContain(first);
    // A third link retires the second as well.
    const third = await newLink(applicationId);
    await expect(links.lookup(second)).resolves.toEqual({ applicationId, state: 'replaced', newerLinkInUse: false });
    await expect(links.lookup(third)).resolves.toEqual({ applicationId, state: 'valid' });
  });

  it('says whether the newer link is in use (opened, still opens), so an old one cannot replace it', async () => {
    const applicationId = randomUUID();
    const first = await newLink(applicationId);
    const second = await newLink(applicationId);
    await links.exchange(second);
    await expect(links.lookup(first)).resolves.toEqual({ applicationId, state: 'replaced', newerLinkInUse: true });
    await service.db.query(
      `UPDATE client_links SET expires_at = now() - interval '1 second' WHERE application_id = $1`,
      [applicationId],
    );
    await expect(links.lookup(first)).resolves.toEqual({ applicationId, state: 'replaced', newerLinkInUse: false });
  });

  it('retires every replaced token when links of one application are issued at the same moment', async () => {
    const applicationId = randomUUID();
    const tokens = [await newLink(applicationId)];
    tokens.push(...(await Promise.all([1, 2, 3, 4].map(() => newLink(applicationId)))));
    const states = await Promise.all(tokens.map(async (token) => (await links.lookup(token)).state));
    expect(states.sort()).toEqual(['replaced', 'replaced', 'replaced', 'replaced', 'valid']);
  });

  it('says the current link is "expired" once its end passed', async () => {
    const applicationId = randomUUID();
    const token = await newLink(applicationId);
    await service.db.query(
      `UPDATE client_links SET expires_at = now() - interval '1 second' WHERE application_id = $1`,
      [applicationId],
    );
    await expect(links.lookup(token)).resolves.toEqual({ applicationId, state: 'expired' });
  });

  it('answers an unknown token with the LINK_INVALID the exchange gives', async () => {
    const unknown = 'A'.repeat(43);
    const error: unknown = await links.lookup(unknown).catch((e: unknown) => e);
    expect(userErrors.LINK_INVALID.is(error)).toBe(true);
    expect(error).toEqual(await links.exchange(unknown).catch((e: unknown) => e));
    expect((error as Error).message).toBe('This link is not valid or has expired');
  });
});
