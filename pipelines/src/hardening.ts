// The workflow hardening rules of Paved as a checker: what actionlint and
// zizmor do not enforce on their own (every job bounded in time and in
// privilege, every action pinned with its version written down, reusable
// workflows that never share the caller's concurrency group).
import YAML, { isMap, isScalar } from 'yaml';
import type { Document } from 'yaml';

export interface HardeningProblem {
  file: string;
  /** where in the workflow, e.g. `jobs.build.steps[2]` */
  at: string;
  message: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
const READ_ONLY = new Set(['read', 'none']);
// Contexts whose values an outsider cannot choose, allowed inside `run:`.
const SAFE_IN_RUN =
  /^(?:runner\.\w+|env\.\w+|github\.(?:sha|ref|ref_name|ref_type|repository|repository_owner|repository_id|workflow|run_id|run_number|run_attempt|server_url|api_url|workspace|job|event_name|action_path|retention_days))$/;

export function hardeningProblems(text: string, file: string): HardeningProblem[] {
  const problems: HardeningProblem[] = [];
  const report = (at: string, message: string): void => {
    problems.push({ file, at, message });
  };
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    report('', `not a workflow: ${doc.errors[0]?.message ?? 'the document is not a mapping'}`);
    return problems;
  }
  const js = doc.toJS() as Record<string, unknown>;
  const triggers = triggerNames(js['on']);
  const reusable = triggers.includes('workflow_call');

  if (triggers.includes('pull_request_target')) {
    report('on', 'pull_request_target runs with write access and secrets on untrusted code; use pull_request');
  }
  checkPermissions(js['permissions'], 'permissions', report, true);
  if (reusable && js['concurrency'] !== undefined) {
    report(
      'concurrency',
      "a reusable workflow's top-level concurrency is evaluated in the caller's context and can cancel the caller; set it per job with a group of its own",
    );
  }

  const jobs = js['jobs'];
  if (!jobs || typeof jobs !== 'object') {
    report('jobs', 'no jobs');
    return problems;
  }
  for (const [id, raw] of Object.entries(jobs as Record<string, unknown>)) {
    const at = `jobs.${id}`;
    const job = (raw ?? {}) as Record<string, unknown>;
    if (job['permissions'] === undefined) report(at, 'no permissions: grant the job exactly what it needs (contents: read at least)');
    else checkPermissions(job['permissions'], `${at}.permissions`, report, false);

    if (typeof job['uses'] === 'string') {
      checkUses(job['uses'], at, report, false);
      if (job['secrets'] === 'inherit') report(at, 'secrets: inherit hands every secret to the called workflow; pass the ones it declares');
      continue;
    }
    if (job['timeout-minutes'] === undefined) report(at, 'no timeout-minutes: a hung job would hold a runner for 6 hours');
    if (reusable) {
      const group = concurrencyGroup(job['concurrency']);
      if (group === null) report(at, 'no concurrency group');
      else if (group.startsWith('${{'))
        report(`${at}.concurrency`, "the group must start with a fixed prefix of its own so it never equals (and cancels) the caller's group");
    } else if (js['concurrency'] === undefined && job['concurrency'] === undefined) {
      report(at, 'no concurrency group (at the top or on the job)');
    }
    const steps = Array.isArray(job['steps']) ? (job['steps'] as Record<string, unknown>[]) : [];
    steps.forEach((step, index) => {
      const stepAt = `${at}.steps[${index}]`;
      if (typeof step['uses'] === 'string') {
        checkUses(step['uses'], stepAt, report, true);
        if (step['uses'].startsWith('actions/checkout@')) {
          const persist = (step['with'] as Record<string, unknown> | undefined)?.['persist-credentials'];
          if (persist !== false && persist !== 'false') report(stepAt, 'actions/checkout without persist-credentials: false leaves the token in .git/config');
        }
      }
      if (typeof step['run'] === 'string') {
        for (const expression of expressions(step['run'])) {
          if (!SAFE_IN_RUN.test(expression)) {
            report(stepAt, `\${{ ${expression} }} inside run: is injected into the script; pass it through env: and use "$NAME"`);
          }
        }
      }
    });
  }
  checkVersionComments(doc, text, file, problems);
  return problems;
}

function triggerNames(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

function checkPermissions(value: unknown, at: string, report: (at: string, message: string) => void, topLevel: boolean): void {
  if (value === undefined) {
    if (topLevel) report(at, 'no top-level permissions: set permissions: {} (or read-only) and grant writes per job');
    return;
  }
  if (typeof value === 'string') {
    if (value === 'write-all') report(at, 'write-all grants every scope');
    else if (topLevel && value !== 'read-all') report(at, `top-level permissions must be {} or read-only, not ${value}`);
    return;
  }
  if (!value || typeof value !== 'object') return;
  if (!topLevel) return;
  for (const [scope, level] of Object.entries(value as Record<string, unknown>)) {
    if (!READ_ONLY.has(String(level))) report(`${at}.${scope}`, `top-level ${scope}: ${String(level)}; grant writes on the job that needs them`);
  }
}

function checkUses(uses: string, at: string, report: (at: string, message: string) => void, action: boolean): void {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return;
  const ref = uses.slice(uses.lastIndexOf('@') + 1);
  if (!uses.includes('@') || !FULL_SHA.test(ref)) {
    report(at, `${uses} is not pinned to a full commit SHA (tags and branches can be moved)`);
  } else if (!action && !/^[\w.-]+\/[\w.-]+\/\.github\/workflows\/[\w.-]+\.ya?ml@/.test(uses)) {
    report(at, `${uses} is not a reusable workflow reference`);
  }
}

function concurrencyGroup(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['group'] === 'string') {
    return (value as Record<string, string>)['group'] ?? null;
  }
  return null;
}

function expressions(script: string): string[] {
  return [...script.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1] ?? '');
}

// The version comment is only in the source text, next to each `uses:` value.
function checkVersionComments(doc: Document, text: string, file: string, problems: HardeningProblem[]): void {
  YAML.visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses' || !isScalar(pair.value) || !pair.value.range) return;
      const value = String(pair.value.value);
      if (value.startsWith('./') || !FULL_SHA.test(value.slice(value.lastIndexOf('@') + 1))) return;
      const lineEnd = text.indexOf('\n', pair.value.range[0]);
      const rest = text.slice(pair.value.range[1], lineEnd < 0 ? text.length : lineEnd);
      if (!/#.*\bv?\d+(?:\.\d+){0,2}\b/.test(rest)) {
        problems.push({ file, at: value, message: 'a pinned SHA needs its version in a comment on the same line (e.g. # v4.2.2)' });
      }
    },
  });
}

/** Every `uses:` value in a workflow (steps and reusable-workflow jobs). */
export function usesOf(text: string): string[] {
  const found: string[] = [];
  const doc = YAML.parseDocument(text);
  YAML.visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value)) found.push(String(pair.value.value));
    },
  });
  return found;
}
