import type { ConfigService } from '@nestjs/config';
import { validForm } from '@otus/testing';
import { ApplicationStatus, type ApplicationDocument } from '../applications/application.schema';
import type { StepClaims } from '../applications/step-claims';
import type { AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { ClientService } from './client.service';
import type { ClientFormDto } from './dto/client-form.dto';

/**
 * Consent comes before the data it allows: a submission whose consent could not be recorded keeps
 * nothing and can be sent again (the step is given back), instead of data without consent.
 */
describe('ClientService records the consent before the data', () => {
  const settings: Record<string, unknown> = {
    CONTRACT_MAX_CORRECTIONS: 2,
    CONTRACT_PRIVACY_POLICY_URL: 'https://otus.example/privacy',
    CONTRACT_PRIVACY_POLICY_VERSION: '2026-11',
  };
  const config = { get: (key: string) => settings[key] } as unknown as ConfigService<ContractEnv, true>;

  function service(auditFails: boolean) {
    const steps: string[] = [];
    const taken = new Set<string>();
    const counters = new Map<string, number>();
    const claim = (id: string) => !taken.has(id) && !!taken.add(id);
    const claims = {
      async once<T>(id: string, taken_: () => Error, step: () => Promise<T>) {
        if (!claim(id)) throw taken_();
        try {
          return await step();
        } catch (e) {
          taken.delete(id);
          throw e;
        }
      },
      claim: async (id: string) => claim(id),
      async claimNext(counter: string, limit: number) {
        const n = (counters.get(counter) ?? 0) + 1;
        if (n > limit) return null;
        counters.set(counter, n);
        return n;
      },
      countTaken: async (counter: string) => counters.get(counter) ?? 0,
      giveBack: async (counter: string) => void counters.set(counter, (counters.get(counter) ?? 1) - 1),
      release: async (id: string) => void taken.delete(id),
    } as unknown as StepClaims;
    const audit = {
      async record(_id: string, action: string) {
        if (auditFails && action === 'consent.given') throw new Error('audit store unavailable');
        steps.push(action);
      },
    } as unknown as AuditService;
    const applications = {
      async updateOne() {
        steps.push('data stored');
        return { modifiedCount: 1 };
      },
    };
    const vault = { seal: () => 'sealed' };
    const messenger = {
      send: async () => void steps.push('process told'),
      announce: async () => void steps.push('opening announced'),
    };
    const applicationsService = { get: async () => awaitingSignature };
    const signing = { lockedNow: async () => false, withdrawCode: async () => void steps.push('draft withdrawn') };
    const client = new ClientService(
      applications as never,
      applicationsService as never,
      vault as never,
      messenger as never,
      audit,
      {} as never,
      claims,
      signing as never,
      config,
    );
    return { client, steps, taken, counters };
  }

  const application = {
    _id: 'app-1',
    status: ApplicationStatus.Created,
    promoCode: null,
  } as unknown as ApplicationDocument;
  const awaitingSignature = {
    _id: 'app-1',
    status: ApplicationStatus.DraftReady,
    draftDocumentId: 'draft-1',
  } as unknown as ApplicationDocument;
  const form = validForm() as unknown as ClientFormDto;
  const actor = { actor: 'client', ip: '127.0.0.1', userAgent: 'jest' } as never;

  it('in that order', async () => {
    const { client, steps } = service(false);
    await client.submit(application, form, actor);
    // A form sent straight from the API opened the link all the same: that comes first.
    expect(steps).toEqual([
      'opening announced',
      'link.opened',
      'consent.given',
      'data stored',
      'client-data.submitted',
      'process told',
    ]);
  });

  it('keeps nothing when the consent cannot be recorded, and the form can be sent again', async () => {
    const { client, steps, taken } = service(true);
    await expect(client.submit(application, form, actor)).rejects.toThrow('audit store unavailable');
    // The link was opened (kept, once); the form's step is given back.
    expect(steps).toEqual(['opening announced', 'link.opened']);
    expect([...taken]).toEqual(['app-1.link-opened']);
  });

  it('in that order for a correction as well', async () => {
    const { client, steps } = service(false);
    await expect(client.correct(awaitingSignature, form, actor)).resolves.toBe(1);
    expect(steps).toEqual(['consent.given', 'draft withdrawn', 'data stored', 'client-data.corrected', 'process told']);
  });

  it('keeps nothing from a correction whose consent cannot be recorded; its turn is given back', async () => {
    const { client, steps, taken, counters } = service(true);
    await expect(client.correct(awaitingSignature, form, actor)).rejects.toThrow('audit store unavailable');
    expect(steps).toEqual([]);
    expect(taken.size).toBe(0);
    expect(counters.get('app-1.correction')).toBe(0);
  });
});
