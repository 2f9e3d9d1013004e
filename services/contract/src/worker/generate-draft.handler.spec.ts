import type { ConfigService } from '@nestjs/config';
import { parties, terms } from '../../test/support/contract-samples';
import type { ContractEnv } from '../config';
import type { ContractIssuer } from '../documents/contract-issuer';
import { documentId } from '../documents/documents.service';
import { GenerateDraftHandler } from './generate-draft.handler';

const APP = parties.applicationId;
const variables = {
  ...terms,
  applicationId: APP,
  promoStatus: 'NONE',
  signDeadline: '2030-01-10T09:00:00.000Z',
};

function handler() {
  const draft = jest.fn(async (_: unknown, revision: number) => ({
    _id: documentId(APP, 'draft', revision),
    sha256: 'c'.repeat(64),
  }));
  const config = { get: () => [] } as unknown as ConfigService<ContractEnv, true>;
  return { draft, handler: new GenerateDraftHandler({ draft } as unknown as ContractIssuer, config) };
}

describe('contract.generate-draft and the draft revision', () => {
  it('makes the first draft without draftRevision, under the id drafts always had', async () => {
    const { draft, handler: h } = handler();
    const out = await h.handle(h.input.parse(variables));
    expect(draft).toHaveBeenCalledWith(expect.not.objectContaining({ draftRevision: expect.anything() }), 0);
    expect(out.draftDocumentId).toBe(`${APP}.draft`);
  });

  it('makes the draft of the n-th correction as a document of its own', async () => {
    const { draft, handler: h } = handler();
    const out = await h.handle(h.input.parse({ ...variables, draftRevision: 2 }));
    expect(draft).toHaveBeenCalledWith(expect.objectContaining({ applicationId: APP }), 2);
    expect(out.draftDocumentId).toBe(`${APP}.draft.2`);
  });

  it('refuses a revision that is not a count', () => {
    const { handler: h } = handler();
    expect(h.input.safeParse({ ...variables, draftRevision: -1 }).success).toBe(false);
    expect(h.input.safeParse({ ...variables, draftRevision: 1.5 }).success).toBe(false);
    expect(h.input.safeParse({ ...variables, draftRevision: null }).success).toBe(true);
  });
});

describe('document ids', () => {
  it('keep <id>.draft for the first draft and <id>.signed; <id>.draft.<n> after a correction', () => {
    expect(documentId('a', 'draft')).toBe('a.draft');
    expect(documentId('a', 'draft', 0)).toBe('a.draft');
    expect(documentId('a', 'draft', 3)).toBe('a.draft.3');
    expect(documentId('a', 'signed')).toBe('a.signed');
    expect(documentId('a', 'signed', 3)).toBe('a.signed');
  });
});
