import 'reflect-metadata';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, invalidFields } from '@otus/common';
import type { Request, Response } from 'express';
import { lastValueFrom, of, throwError } from 'rxjs';
import type { ApplicationDocument } from '../applications/application.schema';
import { type ClientRequest, grantAccess } from '../client/client-access';
import type { ClientPagesService, PageExtras } from './client-pages.service';
import { type FormRefusal, PageForm, PageFormInterceptor, sameOrigin, SameSiteForms } from './page-forms';
import type { PageRenderer } from './page-renderer';

jest.mock('../client/client.service', () => ({ ClientService: class {} }));
jest.mock('../signing/signing.service', () => ({ SigningService: class {} }));

const ID = '6fde212c-2952-44b6-80a3-f69f0c8a0b69';

/** A form route as the controller declares it, with the refusal its decorator names. */
const shown: FormRefusal = (e, body) =>
  e.code === 'VALIDATION_FAILED'
    ? { decline: { reason: String(body.reason), reasonCode: null, error: 'bad' } }
    : undefined;
class Routes {
  @PageForm(shown)
  form() {}
  plain() {}
}

function setUp() {
  const application = { _id: ID } as unknown as ApplicationDocument;
  const load = jest.fn(async () => application);
  const req = {
    params: { applicationId: ID },
    client: { applicationId: ID },
    body: { reason: 'x' },
  } as unknown as ClientRequest;
  req.clientAccess = grantAccess(req, load);
  const res = { redirect: jest.fn() } as unknown as Response & { redirect: jest.Mock };
  const screen = jest.fn(async (_: ApplicationDocument, extras: PageExtras) => ({
    page: 'decline' as const,
    data: { title: 'page', extras },
  }));
  const send = jest.fn();
  const interceptor = new PageFormInterceptor(
    new Reflector(),
    { screen } as unknown as ClientPagesService,
    { send } as unknown as PageRenderer,
  );
  const run = (handler: () => unknown, error: unknown) => {
    const ctx = {
      getHandler: () => handler,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => (error ? throwError(() => error) : of(undefined)) };
    return lastValueFrom(interceptor.intercept(ctx, next), { defaultValue: undefined });
  };
  return { application, load, res, screen, send, run };
}

describe('PageFormInterceptor: one answer to a form’s refusal', () => {
  const form = Routes.prototype.form;

  it('shows the page again with what the route names, at the refusal’s status, from the route’s own application', async () => {
    const { application, load, screen, send, run, res } = setUp();
    const error = invalidFields([{ field: 'reason', errors: ['Напишите причину'] }]);
    await run(form, error);
    expect(screen).toHaveBeenCalledWith(application, { decline: { reason: 'x', reasonCode: null, error: 'bad' } });
    expect(send).toHaveBeenCalledWith(res, 'decline', expect.objectContaining({ title: 'page' }), 400);
    expect(load).toHaveBeenCalledTimes(1);
    expect(res.redirect).not.toHaveBeenCalled();
  });

  it.each(['FORM_CLOSED', 'APPLICATION_NOT_SIGNABLE', 'APPLICATION_CHANGED', 'SIGNING_LOCKED'])(
    '%s: the state moved on, 303 to the page as it now is',
    async (code) => {
      const { run, res, send } = setUp();
      await run(form, new DomainError(code, 'moved', { status: 409 }));
      expect(res.redirect).toHaveBeenCalledWith(303, `/client/${ID}`);
      expect(send).not.toHaveBeenCalled();
    },
  );

  it('passes on what the route does not show: the error page answers it', async () => {
    const { run, send } = setUp();
    const other = new DomainError('CODE_NOT_SENT', 'no mail', { status: 503 });
    await expect(run(form, other)).rejects.toBe(other);
    const broken = new Error('database down');
    await expect(run(form, broken)).rejects.toBe(broken);
    expect(send).not.toHaveBeenCalled();
  });

  it('leaves a route without @PageForm alone, and a success alone', async () => {
    const { run, send, res } = setUp();
    const error = invalidFields([]);
    await expect(run(Routes.prototype.plain, error)).rejects.toBe(error);
    await run(form, null);
    expect(send).not.toHaveBeenCalled();
    expect(res.redirect).not.toHaveBeenCalled();
  });
});

describe('sameOrigin: forms from this site only', () => {
  const req = (headers: Record<string, string>, method = 'POST') =>
    ({ method, get: (name: string) => ({ host: 'contract.example', ...headers })[name.toLowerCase()] }) as Request;
  const verdict = (headers: Record<string, string>) => {
    try {
      sameOrigin(req(headers));
      return 'accepted';
    } catch (e) {
      return e instanceof DomainError ? `${e.status} ${e.code}` : e;
    }
  };

  it.each([
    [{}, 'accepted'],
    [{ 'sec-fetch-site': 'same-origin' }, 'accepted'],
    [{ 'sec-fetch-site': 'none' }, 'accepted'],
    [{ origin: 'null' }, 'accepted'],
    [{ origin: 'https://contract.example' }, 'accepted'],
    [{ 'sec-fetch-site': 'cross-site' }, '403 FORBIDDEN'],
    [{ 'sec-fetch-site': 'same-site' }, '403 FORBIDDEN'],
    [{ origin: 'https://evil.example' }, '403 FORBIDDEN'],
    [{ origin: 'not a url' }, '403 FORBIDDEN'],
  ])('%j: %s', (headers, expected) => {
    expect(verdict(headers)).toBe(expected);
  });

  it('SameSiteForms checks what changes something, not what reads a page', () => {
    const interceptor = new SameSiteForms();
    const ctx = (r: Request) => ({ switchToHttp: () => ({ getRequest: () => r }) }) as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => of('ok') };
    expect(() => interceptor.intercept(ctx(req({ 'sec-fetch-site': 'cross-site' }, 'GET')), next)).not.toThrow();
    expect(() => interceptor.intercept(ctx(req({ 'sec-fetch-site': 'cross-site' }, 'POST')), next)).toThrow(
      DomainError,
    );
  });
});
