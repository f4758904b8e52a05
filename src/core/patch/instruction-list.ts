import { isPlainObject } from './json-value';
import { MAX_INSTRUCTIONS } from './limits';
import { PatchError } from './patch-error';

export interface RawInstruction<K extends string> {
  index: number;
  kind: K;
  raw: Record<string, unknown>;
}

/**
 * Checks the list's shape and every kind before anything is applied: an unknown kind anywhere is
 * refused outright (and authorization needs every kind anyway). Fields are checked later, one
 * instruction at a time, because they may depend on what earlier instructions did.
 */
export function readInstructionList<K extends string>(
  instructions: unknown,
  handlers: Record<K, unknown>,
): RawInstruction<K>[] {
  if (!Array.isArray(instructions)) throw PatchError.at(undefined, 'must be an array of instructions', 'instructions');
  if (instructions.length === 0) throw PatchError.at(undefined, 'must not be empty', 'instructions');
  if (instructions.length > MAX_INSTRUCTIONS) {
    throw PatchError.at(undefined, `must have at most ${MAX_INSTRUCTIONS} instructions`, 'instructions');
  }
  return instructions.map((raw: unknown, index) => {
    if (!isPlainObject(raw)) throw PatchError.at(index, 'instruction must be an object');
    const kind = raw.kind;
    if (kind === undefined || kind === null) throw PatchError.at(index, 'is required', 'kind');
    if (typeof kind !== 'string') throw PatchError.at(index, 'must be a string', 'kind');
    // hasOwn, so that 'constructor' or '__proto__' are unknown kinds rather than prototype members.
    if (!Object.hasOwn(handlers, kind)) {
      throw new PatchError(
        [{ index, field: 'kind', reason: `unknown instruction kind '${kind}'` }],
        'patch/unknown_instruction',
      );
    }
    return { index, kind: kind as K, raw };
  });
}
