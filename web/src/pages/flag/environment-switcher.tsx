import { useId } from 'react';
import type { Environment } from './flag-api';

/**
 * The project's environments as a real <select>: arrow keys and type-ahead work, and screen readers
 * announce it as a labelled combo box. The page keeps the choice in the URL (?env=key).
 */
export function EnvironmentSwitcher({
  environments,
  selected,
  onSelect,
}: {
  environments: Environment[];
  selected: string;
  onSelect: (key: string) => void;
}) {
  const id = useId();
  return (
    <div className="environment-switcher">
      <label htmlFor={id}>Environment</label>
      <select id={id} value={selected} onChange={(e) => onSelect(e.target.value)}>
        {environments.map((e) => (
          <option key={e.key} value={e.key}>
            {e.name === e.key ? e.key : `${e.name} (${e.key})`}
          </option>
        ))}
      </select>
    </div>
  );
}
