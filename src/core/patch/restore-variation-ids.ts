import { DomainError } from '../errors';
import type { Variation } from '../model/flag-config';

/** Index → id on each side; every reference to a variation the flag no longer has is collected, then refused at once. */
export class VariationIds {
  private readonly missing = new Map<string, string[]>();

  constructor(
    private readonly current: readonly Variation[],
    private readonly target: readonly Variation[],
  ) {}

  currentId(index: number): string | undefined {
    return this.current[index]?._id;
  }

  /** The id of the version's variation `index`, or a placeholder while the reference is recorded as missing. */
  targetId(index: number, where: string): string {
    const id = this.target[index]?._id;
    if (id !== undefined && this.current.some((v) => v._id === id)) return id;
    const name = id ?? `#${index}`;
    this.missing.set(name, [...(this.missing.get(name) ?? []), where]);
    return name;
  }

  assertNoneMissing(): void {
    if (!this.missing.size) return;
    const names = [...this.missing.keys()];
    throw new DomainError(
      'flag_version/variation_removed',
      `the version serves variation${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} ` +
        'that the flag no longer has; variations are not restored (add it back first, or restore another version)',
      [...this.missing].flatMap(([id, places]) =>
        places.map((field) => ({ field, reason: `variation '${id}' was removed` })),
      ),
    );
  }
}
