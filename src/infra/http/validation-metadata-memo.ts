import { getMetadataStorage } from 'class-validator';

/** The two lookups of class-validator's metadata storage that every validation makes. */
interface Storage {
  getTargetValidationMetadatas(
    target: object,
    schema: string,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): object[];
  groupByPropertyName(metadatas: object[]): Record<string, object[]>;
  addValidationMetadata(metadata: object): void;
  addConstraintMetadata(metadata: object): void;
}

const MEMOIZED = Symbol('gantry.validationMetadataMemo');

/**
 * class-validator looks a DTO's rules up on every validation, testing the DTO against every class
 * that has rules (`instanceof`, for inherited ones), filtering, then grouping the rules by
 * property: with Gantry's few hundred DTO and input classes that was ~3% of a flag PATCH's CPU, for
 * an answer that cannot change once the modules are loaded. Memoised here per class and options;
 * a rule registered later (a class loaded late) empties the memo. class-validator only reads what
 * the lookups return (it filters into new arrays), so sharing them between validations is safe.
 */
export function memoizeValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage & { [MEMOIZED]?: true };
  if (storage[MEMOIZED]) return;
  storage[MEMOIZED] = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let byTarget = new Map<object, Map<string, object[]>>();
  let grouped = new WeakMap<object[], Record<string, object[]>>();
  const forget = () => {
    byTarget = new Map();
    grouped = new WeakMap();
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map<string, object[]>()));
    let metadatas = forTarget.get(key);
    if (!metadatas) forTarget.set(key, (metadatas = lookup(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (!byProperty) grouped.set(metadatas, (byProperty = group(metadatas)));
    return byProperty;
  };
  for (const add of ['addValidationMetadata', 'addConstraintMetadata'] as const) {
    const original = storage[add].bind(storage);
    storage[add] = (metadata) => {
      forget();
      original(metadata);
    };
  }
}
