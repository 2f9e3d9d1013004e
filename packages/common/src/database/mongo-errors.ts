/** MongoDB's duplicate key error: a unique index (often `_id`) let another insert in first. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === 11000;
}
