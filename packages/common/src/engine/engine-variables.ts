/** A variable as the engine's REST API carries it. */
export interface EngineVariable {
  value: unknown;
  type: 'String' | 'Boolean' | 'Integer' | 'Long' | 'Double' | 'Json' | 'Null';
}

/** Plain values → typed REST variables; integers beyond 32 bits become Long (money in kopecks). */
export function toEngineVariables(values: Record<string, unknown>): Record<string, EngineVariable> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, toEngineVariable(value)]));
}

function toEngineVariable(value: unknown): EngineVariable {
  if (value === null || value === undefined) return { value: null, type: 'Null' };
  if (typeof value === 'string') return { value, type: 'String' };
  if (typeof value === 'boolean') return { value, type: 'Boolean' };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: 'Double' };
    return { value, type: Math.abs(value) <= 2 ** 31 - 1 ? 'Integer' : 'Long' };
  }
  return { value: JSON.stringify(value), type: 'Json' };
}
