import { formatDuration, formatTime, formatWeight, type Release } from '../releases/release-format';
import { stageTimeline } from './stage-timeline';

/**
 * The stages as a staircase: each a column whose bar is its weight, the stage in force outlined and
 * labelled "current" in words, with its hold time, state and times beneath.
 */
export function StageTimeline({ release }: { release: Release }) {
  const stages = stageTimeline(release);
  return (
    <ol className="stage-timeline" aria-label="Stages">
      {stages.map((s) => (
        <li
          key={s.index}
          className={`stage stage-${s.state.replace(' ', '-')}`}
          aria-current={s.state === 'current' ? 'step' : undefined}
        >
          <div className="stage-bar" aria-hidden="true">
            <div className="stage-fill" style={{ height: `${Math.max(4, s.weight / 1000)}%` }} />
          </div>
          <p className="stage-weight">
            Stage {s.index + 1}: <strong>{formatWeight(s.weight)}</strong>
          </p>
          <p className="stage-state">{s.state === 'current' ? 'current' : s.state}</p>
          <dl>
            <dt>Hold</dt>
            <dd>{formatDuration(s.durationMs)}</dd>
            <dt>Started</dt>
            <dd>{formatTime(s.startedAt)}</dd>
            <dt>{s.finishDue ? 'Next step due' : 'Finished'}</dt>
            <dd>{formatTime(s.finishedAt)}</dd>
          </dl>
        </li>
      ))}
    </ol>
  );
}
