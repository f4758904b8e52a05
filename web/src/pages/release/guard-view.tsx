import { TimeSeriesChart } from '../../components/charts/time-series-chart';
import { formatMetric, formatTime, type GuardPoint } from '../releases/release-format';

/** Decisions worth a marker on the chart (holding a stage for data is the ordinary case). */
const MARKED = new Set(['promote', 'pause', 'rollback']);

/**
 * For each watched metric: the control's and the treatment's value over the guard's checks, the
 * sequential test's confidence bounds (around the control's value) as a band, the decisions marked;
 * and the same numbers in a table, the accessible alternative to the chart.
 */
export function GuardView({ checks }: { checks: GuardPoint[] }) {
  if (checks.length === 0) return <p>The guard has not checked this release yet.</p>;
  const metrics = checks[0].metrics.map((m) => m.metric);
  const times = checks.map((c) => new Date(c.at));
  return (
    <>
      {metrics.map((metric) => {
        const points = checks.map((c) => c.metrics.find((m) => m.metric === metric)!);
        const last = checks[checks.length - 1];
        return (
          <section key={metric} className="guard-metric">
            <h3>
              Metric <code>{metric}</code>
            </h3>
            <TimeSeriesChart
              title={`${metric} per variation over time`}
              summary={`${checks.length} checks; last decision: ${last.decision}.`}
              times={times}
              format={formatMetric}
              series={[
                { label: 'Control (old variations)', className: 'control', values: points.map((p) => p.control.value) },
                {
                  label: 'Treatment (released variation)',
                  className: 'treatment',
                  values: points.map((p) => p.treatment.value),
                },
              ]}
              bands={[
                {
                  label: 'Confidence bounds for the treatment',
                  className: 'treatment',
                  lower: points.map((p) => p.treatmentLower),
                  upper: points.map((p) => p.treatmentUpper),
                },
              ]}
              markers={checks.flatMap((c, index) => (MARKED.has(c.decision) ? [{ index, label: c.decision }] : []))}
            />
            <div className="table-box">
              <table className="data-table guard-table">
                <caption>
                  Guard checks of <code>{metric}</code>, oldest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Checked</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Control value (n)</th>
                    <th scope="col">Treatment value (n)</th>
                    <th scope="col">Difference [confidence bounds]</th>
                    <th scope="col">Verdict</th>
                    <th scope="col">Decision</th>
                  </tr>
                </thead>
                <tbody>
                  {checks.map((c, i) => {
                    const p = points[i];
                    return (
                      <tr key={c.at}>
                        <td>{formatTime(c.at)}</td>
                        <td>{c.stage + 1}</td>
                        <td>
                          {formatMetric(p.control.value)} ({p.control.sampleSize})
                        </td>
                        <td>
                          {formatMetric(p.treatment.value)} ({p.treatment.sampleSize})
                        </td>
                        <td>
                          {p.difference === null
                            ? '—'
                            : `${formatMetric(p.difference)} [${formatMetric(p.ciLower)}, ${formatMetric(p.ciUpper)}]`}
                        </td>
                        <td>{p.verdict.replace(/_/g, ' ')}</td>
                        <td>
                          <strong>{c.decision}</strong>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </>
  );
}
