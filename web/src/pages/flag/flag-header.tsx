import type { Flag } from './flag-api';

/** A variation's value as written in JSON ("true", "\"red\"", "{…}"), so strings and booleans differ. */
export const valueText = (value: unknown) => JSON.stringify(value);

/** The flag's project-level definition: name, key, description, tags, kind and variations. */
export function FlagHeader({ flag }: { flag: Flag }) {
  return (
    <header className="flag-header">
      <h1>{flag.name}</h1>
      <p className="subtitle">
        <code>{flag.key}</code> · {flag.kind === 'boolean' ? 'Boolean flag' : 'Multivariate flag'}
        {flag.temporary && ' · temporary'}
        {flag.archived && <strong> · archived</strong>}
      </p>
      {flag.description && <p className="flag-description">{flag.description}</p>}
      {flag.tags.length > 0 && (
        <ul className="tag-list" aria-label="Tags">
          {flag.tags.map((t) => (
            <li key={t} className="tag">
              {t}
            </li>
          ))}
        </ul>
      )}
      <h2 className="flag-section-title">Variations</h2>
      <dl className="variations" aria-label="Variations">
        {flag.variations.map((v, i) => (
          <div key={v._id} className="variation">
            <dt>{v.name || `Variation ${i + 1}`}</dt>
            <dd>
              <code>{valueText(v.value)}</code>
              {v.description && <span className="hint"> {v.description}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </header>
  );
}
