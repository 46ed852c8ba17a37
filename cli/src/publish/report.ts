import type { PublishReport, StepStatus } from './types.js';

const MARK: Record<StepStatus, string> = {
  unchanged: 'ok      ',
  changed: 'changed ',
  'would-change': 'would   ',
  skipped: 'skipped ',
  failed: 'FAILED  ',
  'not-run': 'left    ',
};

/** The human summary: one line per step, what changed, and for failures what to do. */
export function formatReport(report: PublishReport): string {
  const lines: string[] = [];
  const target = `${report.owner}/${report.repo}`;
  lines.push(report.dryRun ? `Dry run: publishing ${target} would do:` : `Publishing ${target}${report.htmlUrl ? ` (${report.htmlUrl})` : ''}:`);
  for (const step of report.steps) {
    lines.push(`  ${MARK[step.status]} ${step.title}${step.message && step.status !== 'failed' ? ` — ${step.message}` : ''}`);
    for (const change of step.changes) lines.push(`             · ${change}`);
    if (step.status === 'failed') {
      lines.push(`             ✗ ${step.message ?? ''}`);
      if (step.fix) lines.push(`             → ${step.fix}`);
    }
  }
  const left = report.steps.filter((s) => s.status === 'failed' || s.status === 'not-run');
  if (report.dryRun) lines.push('Nothing was changed.');
  else if (left.length === 0) lines.push(`Done: ${target} is published and configured.`);
  else {
    const done = report.steps.filter((s) => s.status === 'changed' || s.status === 'unchanged' || s.status === 'skipped').map((s) => s.title);
    lines.push(`Not finished. Done: ${done.join(', ') || 'nothing'}. Left: ${left.map((s) => s.title).join(', ')}.`);
    lines.push(
      'Your local service directory is unchanged (apart from its git remote); re-run the same command to finish — finished steps are checked, not repeated.',
    );
  }
  return `${lines.join('\n')}\n`;
}
