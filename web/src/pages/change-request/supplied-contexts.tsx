/**
 * "Whom would it move?" for contexts the reviewer names: POST /change-requests/{id}/impact with
 * their contexts (a JSON array, or one object), without the environment's sample.
 */
import { useId, useState, type FormEvent } from 'react';
import type { components } from '../../../../openapi/schema';
import { api, request } from '../../api/client';
import { asApiError, type ApiError } from '../../api/problem';
import { ErrorPanel } from '../../components/error-panel';
import type { Variation } from '../../components/targeting/format';
import { ImpactPreview } from './impact-preview';

type Impact = components['schemas']['ChangeRequestImpactDto'];
type Contexts = components['schemas']['ImpactRequestDto']['contexts'];

/** The contexts typed in, or why they are not a JSON object or array of objects. */
function parseContexts(text: string): { contexts: object[] } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `Not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const list = Array.isArray(value) ? value : [value];
  if (!list.length || list.some((c) => typeof c !== 'object' || c === null || Array.isArray(c)))
    return { problem: 'Give a context object, or an array of them.' };
  return { contexts: list as object[] };
}

export function SuppliedContexts({
  id,
  flagKey,
  variations,
}: {
  id: string;
  flagKey?: string;
  variations?: readonly Variation[];
}) {
  const fieldId = useId();
  const problemId = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Impact>();
  const [error, setError] = useState<ApiError>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseContexts(text);
    if ('problem' in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    request(
      api.POST('/api/v1/change-requests/{id}/impact', {
        params: { path: { id } },
        // The OpenAPI document types contexts as empty objects; any JSON object is accepted.
        body: { contexts: parsed.contexts as Contexts, includeSample: false },
      }),
    ).then(
      (r) => {
        setBusy(false);
        setResult(r);
      },
      (err: unknown) => {
        setBusy(false);
        setError(asApiError(err));
      },
    );
  };

  return (
    <details className="supplied-contexts">
      <summary>Try contexts of your own</summary>
      <form onSubmit={submit}>
        <label htmlFor={fieldId}>Contexts (JSON: one object or an array)</label>
        <textarea
          id={fieldId}
          rows={4}
          value={text}
          placeholder='[{"kind": "user", "key": "u-1", "email": "ann@example.com"}]'
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        {problem && (
          <p id={problemId} className="marker marker-conflict">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy || !text.trim()}>
          Evaluate
        </button>
      </form>
      {error && <ErrorPanel error={error} />}
      {result && <ImpactPreview impact={result} flagKey={flagKey} variations={variations} />}
    </details>
  );
}
