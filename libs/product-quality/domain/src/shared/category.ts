/**
 * Category codes are dot-separated paths ("food.snacks.nuts"). A policy entry for "food"
 * covers every code under it, so tables stay short and new leaf categories inherit rules.
 */
export const categoryCovers = (pattern: string, categoryCode: string): boolean =>
  pattern === '*' || categoryCode === pattern || categoryCode.startsWith(`${pattern}.`);

/** The entry of the most specific pattern covering the code, or undefined. */
export const lookupByCategory = <T>(table: Readonly<Record<string, T>>, categoryCode: string): T | undefined => {
  let best: { length: number; value: T } | undefined;
  for (const [pattern, value] of Object.entries(table)) {
    if (!categoryCovers(pattern, categoryCode)) continue;
    const length = pattern === '*' ? -1 : pattern.length;
    if (best === undefined || length > best.length) best = { length, value };
  }
  return best?.value;
};

/** Whether any of the listed patterns covers the code; an empty list covers everything. */
export const anyCategoryCovers = (patterns: readonly string[], categoryCode: string): boolean =>
  patterns.length === 0 || patterns.some((pattern) => categoryCovers(pattern, categoryCode));
