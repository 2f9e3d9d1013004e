import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  catchall?: unknown;
  left?: unknown;
  right?: unknown;
  options?: unknown[];
  in?: unknown;
  out?: unknown;
  innerType?: unknown;
}

const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/**
 * The process variables a handler's input schema reads, so the worker fetches only those with its
 * task (the engine otherwise loads and serialises every variable of the instance for each task).
 * Undefined when the schema does not say (an object that keeps unknown keys, a record, `unknown`):
 * then all are fetched, as before.
 */
export function variableNames(schema: z.ZodType): string[] | undefined {
  const names = collect(schema);
  return names && [...names].sort();
}

function collect(schema: unknown): Set<string> | undefined {
  const def = defOf(schema);
  switch (def?.type) {
    case 'object':
      return def.catchall ? undefined : new Set(Object.keys(def.shape ?? {}));
    case 'intersection':
      return both(collect(def.left), collect(def.right));
    case 'union':
      return (def.options ?? []).map(collect).reduce<Set<string> | undefined>(both, new Set());
    case 'pipe':
      // z.preprocess is a pipe from a transform; the shape is on its way out.
      return collect(def.in) ?? collect(def.out);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return collect(def.innerType);
    default:
      return undefined;
  }
}

function both(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  return a && b && new Set([...a, ...b]);
}
