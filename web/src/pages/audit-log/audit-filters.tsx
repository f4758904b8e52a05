import { useState, type FormEvent } from 'react';
import { isoToLocalInput, localInputToIso } from './audit-time';

export const AUDIT_FILTERS = ['resource', 'actor', 'action', 'from', 'to'] as const;
export type AuditFilterValues = Record<(typeof AUDIT_FILTERS)[number], string>;

/** The filters GET /api/v1/audit-log takes; applied together with the button (or Enter), kept in the address. */
export function AuditFilters({
  values,
  onApply,
}: {
  values: AuditFilterValues;
  onApply: (next: AuditFilterValues) => void;
}) {
  const [draft, setDraft] = useState({ ...values, from: isoToLocalInput(values.from), to: isoToLocalInput(values.to) });
  const field = (name: keyof AuditFilterValues) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({
      resource: draft.resource.trim(),
      actor: draft.actor.trim(),
      action: draft.action.trim(),
      from: localInputToIso(draft.from),
      to: localInputToIso(draft.to),
    });
  };
  const clear = () => {
    const empty = { resource: '', actor: '', action: '', from: '', to: '' };
    setDraft(empty);
    onApply(empty);
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter the audit log">
      <label>
        Resource
        <input {...field('resource')} placeholder="proj/web:env/*:flag/*" />
      </label>
      <label>
        Actor (member or token id)
        <input {...field('actor')} />
      </label>
      <label>
        Action
        <input {...field('action')} placeholder="updateRules" />
      </label>
      <label>
        From
        <input type="datetime-local" {...field('from')} />
      </label>
      <label>
        To
        <input type="datetime-local" {...field('to')} />
      </label>
      <span className="inline-input">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </span>
    </form>
  );
}
