import 'reflect-metadata';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DomainError } from '@otus/common';
import { lastValueFrom, of } from 'rxjs';
import type { ApplicationDocument } from '../applications/application.schema';
import {
  accessOf,
  ClientAccessInterceptor,
  ClientActor,
  ClientApplication,
  ClientApplicationId,
  type ClientRequest,
  ClientSignerActor,
  grantAccess,
} from './client-access';
import type { ClientService } from './client.service';

// A stand-in: the real one pulls in Mongoose schemas this unit test does not need.
jest.mock('./client.service', () => ({ ClientService: class {} }));

const A = '6fde212c-2952-44b6-80a3-f69f0c8a0b69';
const B = '0b5c7a41-9a51-4c27-8f0e-3c1d2e4f5a6b';

function request(params: Record<string, string>, session: string | null = A, headers: Record<string, string> = {}) {
  return {
    params,
    client: session === null ? undefined : { applicationId: session },
    ip: '203.0.113.7',
    get: (name: string) => headers[name.toLowerCase()],
  } as unknown as ClientRequest;
}

function context(req: ClientRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

const code = (act: () => unknown) => {
  try {
    act();
  } catch (e) {
    return e instanceof DomainError ? [e.status, e.code] : e;
  }
  return 'granted';
};

describe('grantAccess: the session names one application, the path must name the same', () => {
  const load = jest.fn(async (id: string) => ({ _id: id }) as unknown as ApplicationDocument);
  beforeEach(() => load.mockClear());

  it('grants the session’s own application, loading it once and only when asked', async () => {
    const access = grantAccess(request({ applicationId: A }), load);
    expect(access.applicationId).toBe(A);
    expect(load).not.toHaveBeenCalled();
    const first = await access.application();
    expect(await access.application()).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith(A);
  });

  it.each([
    ['another client’s application', B],
    ['the same id in capitals', A.toUpperCase()],
    ['the id with a space', `${A} `],
    ['the id with a NUL', `${A}\0`],
    ['a path climbing to another', `${A}/../${B}`],
    ['a prefix of the id', A.slice(0, 8)],
    ['an empty id', ''],
  ])('refuses %s with the 404 an unknown one gets, loading nothing', (_, id) => {
    expect(code(() => grantAccess(request({ applicationId: id }), load))).toEqual([404, 'APPLICATION_NOT_FOUND']);
    expect(load).not.toHaveBeenCalled();
  });

  it('refuses a path without the id, and a request without a verified session (never lets it through)', () => {
    expect(code(() => grantAccess(request({}), load))).toEqual([404, 'APPLICATION_NOT_FOUND']);
    expect(code(() => grantAccess(request({ applicationId: A }, null), load))).toEqual([401, 'UNAUTHENTICATED']);
    // A session with an empty subject cannot meet an empty path segment either.
    expect(code(() => grantAccess(request({ applicationId: '' }, ''), load))).toEqual([404, 'APPLICATION_NOT_FOUND']);
  });
});

describe('ClientAccessInterceptor', () => {
  const clients = { application: jest.fn(async (id: string) => ({ _id: id })) };
  const interceptor = new ClientAccessInterceptor(clients as unknown as ClientService);
  const next: CallHandler = { handle: () => of('handled') };

  it('leaves the access on the request, then runs the route', async () => {
    const req = request({ applicationId: A });
    expect(await lastValueFrom(interceptor.intercept(context(req), next))).toBe('handled');
    expect(accessOf(req).applicationId).toBe(A);
    expect(await accessOf(req).application()).toEqual({ _id: A });
  });

  it('refuses before the route runs', () => {
    const handle = jest.fn(() => of('handled'));
    expect(code(() => interceptor.intercept(context(request({ applicationId: B })), { handle }))).toEqual([
      404,
      'APPLICATION_NOT_FOUND',
    ]);
    expect(handle).not.toHaveBeenCalled();
  });
});

/** The function a param decorator runs, and the pipes it carries. */
function param(decorator: () => ParameterDecorator) {
  class Probe {
    route(_value: unknown) {}
  }
  decorator()(Probe.prototype, 'route', 0);
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'route') as Record<
    string,
    {
      factory: (data: unknown, ctx: ExecutionContext) => unknown;
      pipes: { transform(v: unknown, m: unknown): unknown }[];
    }
  >;
  const [{ factory, pipes }] = Object.values(args);
  return async (req: ClientRequest) => {
    let value = factory(undefined, context(req));
    for (const pipe of pipes) value = await pipe.transform(value, { type: 'custom' });
    return value;
  };
}

describe('the parameter decorators', () => {
  const granted = () => {
    const req = request({ applicationId: A }, A, { 'user-agent': 'Firefox' });
    req.clientAccess = grantAccess(req, async (id) => ({ _id: id }) as unknown as ApplicationDocument);
    return req;
  };

  it('@ClientApplicationId() is the granted id; @ClientApplication() the loaded application', async () => {
    expect(await param(ClientApplicationId)(granted())).toBe(A);
    expect(await param(ClientApplication)(granted())).toEqual({ _id: A });
  });

  it('fail closed on a route outside a @ClientAccess() controller', async () => {
    await expect(param(ClientApplicationId)(request({ applicationId: A }))).rejects.toThrow(/@ClientAccess\(\)/);
    await expect(param(ClientApplication)(request({ applicationId: A }))).rejects.toThrow(/@ClientAccess\(\)/);
  });

  it('@ClientActor() and @ClientSignerActor(): the client, its address and browser', async () => {
    expect(await param(ClientActor)(granted())).toEqual({ actor: 'client', ip: '203.0.113.7', userAgent: 'Firefox' });
    const bare = request({ applicationId: A });
    expect(await param(ClientActor)(bare)).toEqual({ actor: 'client', ip: '203.0.113.7', userAgent: undefined });
    // The signature stores strings: no user agent is an empty one.
    expect(await param(ClientSignerActor)(bare)).toEqual({ actor: 'client', ip: '203.0.113.7', userAgent: '' });
  });
});
