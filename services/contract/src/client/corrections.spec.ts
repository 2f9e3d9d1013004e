import { ApplicationStatus } from '../applications/application.schema';
import { correctionPrefix, correctionRefusal, corrections } from './corrections';

const awaiting = { status: ApplicationStatus.DraftReady, outcome: null, cancellation: null, signingLockedAt: null };

describe('corrections of the client data before signing', () => {
  it('are allowed while the draft awaits a signature and fewer than the maximum were used', () => {
    expect(correctionRefusal(awaiting, 0, 2)).toBeNull();
    expect(correctionRefusal(awaiting, 1, 2)).toBeNull();
    expect(corrections(awaiting, 1, 2)).toEqual({ max: 2, used: 1, left: 1, allowed: true });
  });

  it('stop at the maximum with CORRECTION_LIMIT_REACHED (409) and the numbers', () => {
    const refusal = correctionRefusal(awaiting, 2, 2);
    expect(refusal).toMatchObject({
      code: 'CORRECTION_LIMIT_REACHED',
      status: 409,
      details: { maxCorrections: 2, used: 2 },
    });
    expect(corrections(awaiting, 2, 2)).toEqual({ max: 2, used: 2, left: 0, allowed: false });
  });

  it('are off with a maximum of 0', () => {
    expect(correctionRefusal(awaiting, 0, 0)).toMatchObject({ code: 'CORRECTION_NOT_ALLOWED', status: 409 });
    expect(corrections(awaiting, 0, 0)).toEqual({ max: 0, used: 0, left: 0, allowed: false });
  });

  it.each([
    ['the draft is being made', { status: ApplicationStatus.DataSubmitted }],
    ['the form is not sent yet', { status: ApplicationStatus.Created }],
    ['signed', { status: ApplicationStatus.Signed }],
    ['concluded', { status: ApplicationStatus.Concluded }],
    ['declined', { status: ApplicationStatus.Declined }],
    ['cancelled', { status: ApplicationStatus.Cancelled }],
    ['the process ended', { outcome: 'SIGNING_EXPIRED' }],
    ['signing is locked', { signingLockedAt: new Date() }],
  ])('are refused when %s', (_, change) => {
    const application = { ...awaiting, ...change };
    expect(correctionRefusal(application, 0, 2)).toMatchObject({ code: 'CORRECTION_NOT_ALLOWED', status: 409 });
    expect(corrections(application, 0, 2).allowed).toBe(false);
  });

  it('are counted by the step-claim counter <id>.correction', () => {
    expect(correctionPrefix('app-1')).toBe('app-1.correction');
  });
});
