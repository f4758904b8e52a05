/** One human-readable difference between two configurations (see config-diff.ts). */
export interface ConfigChange {
  /** Where, e.g. `environment.rules[id=abc].clauses[id=def].values`; array items are addressed by `_id`. */
  path: string;
  /** The value at `path` before and after; undefined when the item did not exist on that side. */
  before: unknown;
  after: unknown;
  /** A short English sentence for reviewers. */
  summary: string;
}
