import { parties, terms } from '../../test/support/contract-samples';
import { ApplicationStatus } from '../applications/application.schema';
import { ContractIssuer } from './contract-issuer';

jest.mock('./seal/pdf-sealer', () => ({ PdfSealer: class {} }));
jest.mock('./pdf/contract-pdf.renderer', () => ({ ContractPdfRenderer: class {} }));

const APP = parties.applicationId;
const input = { ...terms, applicationId: APP, promoStatus: 'NONE' };

function issuer(stored: Record<string, { _id: string; sha256: string }>) {
  const fakes = {
    applications: { updateOne: jest.fn(async () => ({ modifiedCount: 1 })) },
    applicationsService: { get: jest.fn(async () => ({ _id: APP, dataSubmittedAt: new Date() })) },
    composer: { parties: jest.fn(() => parties) },
    renderer: { renderDraft: jest.fn(async () => ({ pdf: Buffer.from('%PDF'), sha256: 'd'.repeat(64) })) },
    documents: {
      find: jest.fn(async (_: string, kind: string, revision = 0) => stored[`${kind}.${revision}`] ?? null),
      store: jest.fn(async (_a: string, _k: string, _r: unknown, _c: Date, revision = 0) => ({
        _id: `${APP}.draft.${revision}`,
        sha256: 'd'.repeat(64),
      })),
    },
    audit: { record: jest.fn(async () => undefined) },
  };
  const subject = new ContractIssuer(
    fakes.applications as never,
    fakes.applicationsService as never,
    fakes.composer as never,
    fakes.renderer as never,
    fakes.documents as never,
    fakes.audit as never,
    {} as never,
  );
  return { subject, ...fakes };
}

describe('ContractIssuer drafts by revision', () => {
  it('a redelivered task of the same revision returns the stored draft and renders nothing', async () => {
    const stored = { _id: `${APP}.draft.1`, sha256: 'e'.repeat(64) };
    const { subject, renderer, documents } = issuer({ 'draft.1': stored });
    await expect(subject.draft(input, 1)).resolves.toBe(stored);
    expect(documents.find).toHaveBeenCalledWith(APP, 'draft', 1);
    expect(renderer.renderDraft).not.toHaveBeenCalled();
    expect(documents.store).not.toHaveBeenCalled();
  });

  it('a new revision is rendered and stored as a new document, and the application points at it', async () => {
    const { subject, renderer, documents, applications, audit } = issuer({
      'draft.0': { _id: `${APP}.draft`, sha256: 'f'.repeat(64) },
    });
    const made = await subject.draft(input, 1);
    expect(renderer.renderDraft).toHaveBeenCalledTimes(1);
    expect(documents.store).toHaveBeenCalledWith(APP, 'draft', expect.anything(), expect.any(Date), 1);
    expect(made._id).toBe(`${APP}.draft.1`);
    expect(applications.updateOne).toHaveBeenCalledWith(
      { _id: APP, status: ApplicationStatus.DataSubmitted },
      { $set: { status: ApplicationStatus.DraftReady, draftDocumentId: `${APP}.draft.1` } },
    );
    expect(audit.record).toHaveBeenCalledWith(
      APP,
      'draft.generated',
      { actor: 'system' },
      {
        sha256: 'd'.repeat(64),
        revision: 1,
      },
    );
  });
});
