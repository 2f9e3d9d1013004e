import { z } from 'zod';
import { variableNames } from './variable-names';

describe('variableNames: what a worker fetches with its task', () => {
  it('the keys of an object, with refinements, intersections and preprocessing', () => {
    const terms = z.object({ applicationId: z.string(), priceKopecks: z.number() }).refine(() => true);
    const input = z.intersection(terms, z.object({ signDeadline: z.string().nullish() }));
    expect(variableNames(input)).toEqual(['applicationId', 'priceKopecks', 'signDeadline']);
    expect(variableNames(z.preprocess((v) => v, z.object({ b: z.string(), a: z.string() })))).toEqual(['a', 'b']);
  });

  it('every variant of a discriminated union (each template reads its own)', () => {
    const input = z.discriminatedUnion('emailTemplate', [
      z.object({ emailTemplate: z.literal('link'), clientLinkRef: z.string() }),
      z.object({ emailTemplate: z.literal('signed'), signedDocumentId: z.string().optional() }),
    ]);
    expect(variableNames(input)).toEqual(['clientLinkRef', 'emailTemplate', 'signedDocumentId']);
  });

  it('all of them when the schema does not say which', () => {
    expect(variableNames(z.unknown())).toBeUndefined();
    expect(variableNames(z.looseObject({ a: z.string() }))).toBeUndefined();
    expect(variableNames(z.record(z.string(), z.string()))).toBeUndefined();
    expect(variableNames(z.union([z.object({ a: z.string() }), z.unknown()]))).toBeUndefined();
  });
});
