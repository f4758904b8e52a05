/**
 * Request bodies nested deeper than this are refused before validation: class-transformer and
 * class-validator walk bodies recursively, and a few thousand levels (well inside the body limit)
 * overflow the stack, which would be a 500. Real Gantry bodies are a dozen levels deep at most;
 * JSON variation values get plenty of room.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays/objects deeper than `max` levels. Iterative, so it cannot overflow itself. */
export function exceedsJsonDepth(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
