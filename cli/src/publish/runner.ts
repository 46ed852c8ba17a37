import { PavedError } from '@paved/frame';
import { explain, redact } from './explain.js';
import type { PublishContext, Step, StepId, StepReport, StepStatus } from './types.js';

const FINISHED: ReadonlySet<StepStatus> = new Set(['unchanged', 'changed']);
/** Applying is retried once more when GitHub's answer suggests the state moved underneath. */
const APPLY_ATTEMPTS = 2;

function failure(step: Step, ctx: PublishContext, error: unknown): Pick<StepReport, 'message' | 'fix'> & { transient: boolean } {
  if (error instanceof PavedError) {
    const transient = (error as PavedError & { transient?: boolean }).transient === true;
    return { message: redact(error.message, ctx.token), fix: redact(error.hint ?? 're-run the same command', ctx.token), transient };
  }
  const e = explain(error, `${step.action} (${ctx.owner}/${ctx.repo})`);
  return { message: redact(e.message, ctx.token), fix: redact(e.fix, ctx.token), transient: e.transient };
}

/**
 * Inspect, apply, inspect again. The second inspection is the proof: a step is "changed"
 * only when GitHub now shows the desired state. When applying fails, inspecting again tells
 * a lost response (the change landed: done) from a real failure, which is what makes
 * dropped connections and 5xx after a write harmless.
 */
async function runStep(step: Step, ctx: PublishContext): Promise<StepReport> {
  const base = { id: step.id, title: step.title };
  let inspection;
  try {
    inspection = await step.inspect(ctx);
  } catch (error) {
    const f = failure(step, ctx, error);
    return { ...base, status: 'failed', changes: [], message: f.message, fix: f.fix };
  }
  if (inspection.kind === 'in-sync') return { ...base, status: 'unchanged', changes: [], ...(inspection.detail ? { message: inspection.detail } : {}) };
  if (inspection.kind === 'skip') return { ...base, status: 'skipped', changes: [], message: inspection.reason };
  const changes = inspection.changes;
  if (ctx.dryRun) return { ...base, status: 'would-change', changes };

  let lastError: unknown;
  for (let attempt = 1; attempt <= APPLY_ATTEMPTS; attempt += 1) {
    lastError = undefined;
    try {
      if (inspection.apply === undefined) throw new PavedError(`internal error: ${step.title} cannot apply before the repository exists`);
      await inspection.apply();
    } catch (error) {
      lastError = error;
    }
    try {
      const after = await step.inspect(ctx);
      if (after.kind !== 'change') return { ...base, status: 'changed', changes };
      inspection = after;
    } catch (error) {
      lastError ??= error;
      break;
    }
    if (lastError !== undefined && !failure(step, ctx, lastError).transient) break;
  }
  const f =
    lastError === undefined
      ? {
          message: `GitHub still differs after applying: ${inspection.kind === 'change' ? inspection.changes.join('; ') : ''}`,
          fix: 're-run; if it persists, something else keeps changing these settings',
        }
      : failure(step, ctx, lastError);
  return { ...base, status: 'failed', changes, message: f.message, fix: f.fix };
}

/** Runs the steps in order; a step whose prerequisites did not finish is reported, not attempted. */
export async function runSteps(steps: Step[], ctx: PublishContext, onStep: (report: StepReport) => void): Promise<StepReport[]> {
  const done = new Map<StepId, StepStatus>();
  const reports: StepReport[] = [];
  for (const step of steps) {
    const blocker = step.needs.find((id) => {
      const status = done.get(id);
      return status === undefined || !(FINISHED.has(status) || (ctx.dryRun && status === 'would-change'));
    });
    const report: StepReport =
      blocker === undefined
        ? await runStep(step, ctx)
        : {
            id: step.id,
            title: step.title,
            status: 'not-run',
            changes: [],
            message: `waits for the ${steps.find((s) => s.id === blocker)?.title ?? blocker} step`,
          };
    done.set(step.id, report.status);
    reports.push(report);
    onStep(report);
  }
  return reports;
}
