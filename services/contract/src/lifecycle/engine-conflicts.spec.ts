import type { ConfigService } from '@nestjs/config';
import { commonErrors, UpstreamError, type EngineClient } from '@otus/common';
import { ApplicationStatus, type ApplicationDocument } from '../applications/application.schema';
import type { AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { LifecycleService } from './lifecycle.service';

/**
 * Several requests for one process instance at once (five clients asking for a new link, say) make
 * the engine roll all but one back (optimistic locking, 500). test/link-renewal.e2e-spec.ts meets
 * this only by chance; here the engine refuses a given number of times.
 */
describe('an action the engine rolls back for a conflict', () => {
  const config = { get: () => undefined } as unknown as ConfigService<ContractEnv, true>;
  const application = {
    _id: 'app-1',
    status: ApplicationStatus.Created,
    processInstanceId: 'pi-1',
  } as unknown as ApplicationDocument;
  const actor = { actor: 'staff:manager@otus.test' } as never;
  const conflict = () =>
    new UpstreamError(
      'engine',
      500,
      'ENGINE-03005 Execution of UPDATE ExecutionEntity failed: OptimisticLockingException',
    );

  function lifecycleWith(refusals: number) {
    const correlate = jest.fn(async () => {
      if (correlate.mock.calls.length <= refusals) throw conflict();
      return 'correlated';
    });
    const record = jest.fn();
    const engine = { correlate } as unknown as EngineClient;
    const audit = { record } as unknown as AuditService;
    return { lifecycle: new LifecycleService({} as never, {} as never, engine, audit, config), correlate, record };
  }

  it('is tried again while the burst lasts, and taken once', async () => {
    const { lifecycle, correlate, record } = lifecycleWith(5);
    await lifecycle.reissueLink(application, actor);
    expect(correlate).toHaveBeenCalledTimes(6);
    expect(record).toHaveBeenCalledTimes(1);
  });

  it('that never ends is a 503 to try again, with nothing recorded', async () => {
    const { lifecycle, record } = lifecycleWith(Infinity);
    const refused = await lifecycle.reissueLink(application, actor).catch((e: unknown) => e);
    expect(commonErrors.ENGINE_UNAVAILABLE.is(refused)).toBe(true);
    expect(record).not.toHaveBeenCalled();
  }, 30_000);
});
