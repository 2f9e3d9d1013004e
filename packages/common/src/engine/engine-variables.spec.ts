import { toEngineVariables } from './engine-variables';

describe('toEngineVariables', () => {
  it('types values the way the engine stores them', () => {
    expect(toEngineVariables({ s: 'x', b: true, i: 42, big: 5_000_000_000, d: 1.5, n: null, o: { a: 1 } })).toEqual({
      s: { value: 'x', type: 'String' },
      b: { value: true, type: 'Boolean' },
      i: { value: 42, type: 'Integer' },
      big: { value: 5_000_000_000, type: 'Long' },
      d: { value: 1.5, type: 'Double' },
      n: { value: null, type: 'Null' },
      o: { value: '{"a":1}', type: 'Json' },
    });
  });
});
