import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuthorization } from '@otus/common';
import { EngineApi, loopbackAddress, stackEnv, staffToken } from '@otus/testing';
import { rawRequest } from './support/gateway-instance';

/**
 * The engine's own door: it authenticates every REST request (HTTP Basic, engine users) and
 * Camunda authorization decides what each may do. A service's account runs the process and
 * nothing else; through the gateway, no cookie or staff token opens it, and the services'
 * accounts are not accepted at all (a wrong password would delay that account and its worker).
 */
const env = stackEnv();
const direct = `http://${env.STACK_HOST}:${env.ENGINE_PORT}/engine-rest`;
const admin = new EngineApi(direct);
const service = (name: string) => ({
  username: `${name}Service`,
  password: env[`${name.toUpperCase()}_ENGINE_PASSWORD`]!,
});

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return response.status;
}

describe('the engine, asked directly', () => {
  it('answers 401 without credentials, with unknown ones, and with a staff token', async () => {
    expect(await status(`${direct}/process-definition`)).toBe(401);
    expect(
      await status(`${direct}/process-definition`, {
        headers: { authorization: basicAuthorization({ username: 'nobody', password: 'not-a-password' }) },
      }),
    ).toBe(401);
    expect(
      await status(`${direct}/process-definition`, { headers: { authorization: `Bearer ${await staffToken()}` } }),
    ).toBe(401);
  });

  it.each(['user', 'contract', 'course', 'promo', 'notification'])(
    "gives the %s service's account the contract process, and no deployment, identity or authorization rights",
    async (name) => {
      const account = admin.as(service(name));
      const definitions = await account.request<unknown[]>('GET', '/process-definition?key=contract-conclusion');
      expect(definitions.length).toBeGreaterThan(0);

      const form = new FormData();
      form.set('deployment-name', 'intruder');
      form.set('x.bpmn', new Blob([readFileSync(join(__dirname, '../bpmn/contract-conclusion.bpmn'))]), 'x.bpmn');
      const auth = { authorization: basicAuthorization(service(name)) };
      expect(await status(`${direct}/deployment/create`, { method: 'POST', headers: auth, body: form })).toBe(403);
      const json = { ...auth, 'content-type': 'application/json' };
      expect(
        await status(`${direct}/user/create`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ profile: { id: 'intruder' }, credentials: { password: 'intruder-password' } }),
        }),
      ).toBe(403);
      expect(
        await status(`${direct}/authorization/create`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            type: 1,
            permissions: ['ALL'],
            userId: `${name}Service`,
            resourceType: 9,
            resourceId: '*',
          }),
        }),
      ).toBe(403);
      expect(
        await status(`${direct}/group/camunda-admin/members/${name}Service`, { method: 'PUT', headers: auth }),
      ).toBe(403);
    },
  );

  it('lets the administrator deploy (authorization is on, and the admin holds it all)', async () => {
    const check = await admin.request<{ authorized: boolean }>(
      'GET',
      '/authorization/check?permissionName=CREATE&resourceName=Deployment&resourceType=9',
    );
    expect(check.authorized).toBe(true);
    const forService = await admin
      .as(service('contract'))
      .request<{ authorized: boolean }>(
        'GET',
        '/authorization/check?permissionName=CREATE&resourceName=Deployment&resourceType=9',
      );
    expect(forService.authorized).toBe(false);
  });

  it("lets only the contract service's account delete a process's history (erasure of personal data)", async () => {
    const key = `history-delete-${Date.now()}`;
    await admin.deploy(key, {
      [`${key}.bpmn`]: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D-${key}" targetNamespace="https://otus.ru/test">
  <bpmn:process id="${key}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="ToDone" sourceRef="Start" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`,
    });
    // Start → end: the instance is finished at once, with its history.
    const { id } = await admin.request<{ id: string }>('POST', `/process-definition/key/${key}/start`, {});
    const history = `${direct}/history/process-instance/${id}`;
    for (const name of ['user', 'course', 'promo', 'notification']) {
      expect(
        await status(history, { method: 'DELETE', headers: { authorization: basicAuthorization(service(name)) } }),
      ).toBe(403);
    }
    const auth = { authorization: basicAuthorization(service('contract')) };
    expect(await status(history, { method: 'DELETE', headers: auth })).toBe(204);
    expect(
      await status(history, {
        headers: { authorization: basicAuthorization({ username: 'admin', password: env.CAMUNDA_ADMIN_PASSWORD! }) },
      }),
    ).toBe(404);
  });

  it('cleans history in a nightly window, by removal time', async () => {
    const config = await admin.request<{ batchWindowStartTime: string; batchWindowEndTime: string; enabled: boolean }>(
      'GET',
      '/history/cleanup/configuration',
    );
    expect(config.enabled).toBe(true);
    expect(config.batchWindowStartTime).toMatch(/T01:00:00/);
    expect(config.batchWindowEndTime).toMatch(/T05:00:00/);
  });
});

describe('the engine through the gateway', () => {
  const from = loopbackAddress();
  const gatewayRest = (path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    rawRequest(env.GATEWAY_URL, method, `/engine-rest${path}`, headers, from, body);

  it("serves the administrator's engine credentials", async () => {
    const response = await gatewayRest('/process-definition?key=contract-conclusion', {
      authorization: basicAuthorization({ username: env.CAMUNDA_ADMIN_USER!, password: env.CAMUNDA_ADMIN_PASSWORD! }),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).length).toBeGreaterThan(0);
  });

  it('opens to no staff token or cookie, and sends no Basic challenge a browser would remember', async () => {
    const token = await staffToken();
    const attempts: [Record<string, string>, number][] = [
      [{ authorization: `Bearer ${token}` }, 403], // not HTTP Basic: the gateway refuses it
      [{ cookie: `otus_staff=${token}` }, 401], // no credentials reach the engine
      [{}, 401],
    ];
    for (const [headers, expected] of attempts) {
      const response = await gatewayRest('/process-definition', headers);
      expect([headers, response.status]).toEqual([headers, expected]);
      expect(response.headers['www-authenticate']).toBeUndefined();
    }
    // A cross-site form post carries only the cookie: refused.
    const post = await gatewayRest(
      '/deployment/create',
      { cookie: `otus_staff=${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      'POST',
      'deployment-name=cross-site',
    );
    expect(post.status).toBe(401);
  });

  it("refuses the services' accounts, so guessing cannot delay a worker's logins", async () => {
    const guess = basicAuthorization({ username: 'contractService', password: 'guess-guess-guess' });
    // Spellings only a lenient decoder (the engine's) reads as that account.
    for (const authorization of [
      guess,
      basicAuthorization({ username: 'CONTRACTSERVICE', password: 'guess-guess-guess' }),
      basicAuthorization({ username: 'courseservice', password: 'guess-guess-guess' }),
      `${guess}.`,
      `${guess.slice(0, 10)}*${guess.slice(10)}`,
      `basic ${guess.slice(6)}`,
    ]) {
      const wrong = await gatewayRest('/process-definition', { authorization });
      expect([authorization, wrong.status]).toEqual([authorization, 403]);
    }
    const right = await gatewayRest('/process-definition', { authorization: basicAuthorization(service('contract')) });
    expect(right.status).toBe(403);
    // Had a guess reached the engine, this login would now wait out a delay (401).
    expect(
      await status(`${direct}/process-definition`, {
        headers: { authorization: basicAuthorization(service('contract')) },
      }),
    ).toBe(200);
  });
});

describe('the engine behind any proxy', () => {
  it("refuses a service's account on a request that came through one, before checking its password", async () => {
    const proxied = { 'x-forwarded-for': '203.0.113.9' };
    const lenient = `${basicAuthorization({ username: 'promoService', password: 'guess-guess-guess' })}.`;
    expect(await status(`${direct}/process-definition`, { headers: { ...proxied, authorization: lenient } })).toBe(401);
    expect(
      await status(`${direct}/process-definition`, {
        headers: { ...proxied, authorization: basicAuthorization(service('promo')) },
      }),
    ).toBe(401);
    // No delay was set by the guess: the service's own login works at once.
    expect(
      await status(`${direct}/process-definition`, {
        headers: { authorization: basicAuthorization(service('promo')) },
      }),
    ).toBe(200);
  });
});
