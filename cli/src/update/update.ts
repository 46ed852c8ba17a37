/**
 * `paved update` as guard clauses and then named phases (after Copier's run_update): read the
 * answers, refuse an unsafe working tree or a downgrade; render the target with the answers,
 * commit that pristine render onto the template branch, plan the merge with git, apply it.
 *
 * The template branch (`paved/template`) holds pristine renders, one commit per update; the
 * working branch has merged each of them. So git's merge base of the working branch and the
 * new render is the last render the team took, and `git merge` does a true three-way merge:
 * team edits survive, template edits arrive, renames are followed, and real conflicts get
 * standard markers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { PavedError, UsageError } from '@paved/frame';
import { TEMPLATE_BRANCH } from '../git.js';
import { ANSWERS_PATH, generateTree, readAnswersFile, resolveAnswers, type AnswersRecord, type FileTree } from '../engine/index.js';
import { updatedAnswers, type AnswerChanges, type AnswersDiff, type AskMissing } from './answer-changes.js';
import {
  branchTips,
  commitTree,
  ignoredInTheWay,
  isAncestor,
  openRepo,
  planMerge,
  refuseUnsafeState,
  revParse,
  TEMPLATE_REF,
  writeTree,
  type FileChanges,
  type Repo,
} from './repo.js';
import { templateAt } from './versions.js';

/** Exit code of an update that stopped with conflicts for the user to resolve. */
export const CONFLICT_EXIT_CODE = 3;

export interface UpdateOptions {
  /** The service folder (top of its git repository). */
  dir: string;
  /** Template version to update to; default: the version in the templates folder. */
  to?: string | undefined;
  changes?: Partial<AnswerChanges>;
  /** Plan only: report what would change and conflict; nothing in the service is written. */
  dryRun?: boolean;
  /** Where templates are found (PAVED_TEMPLATES_DIR). */
  env: NodeJS.ProcessEnv;
  /** Asks for values a new template version needs (only when a person is at a terminal). */
  ask?: AskMissing | undefined;
}

export type UpdateStatus = 'up-to-date' | 'updated' | 'conflicts' | 'would-update' | 'would-conflict';

export interface UpdateSummary {
  dir: string;
  template: string;
  from: string;
  to: string;
  /** 'templates' (the templates folder as it is) or the release tag the target was read from. */
  source: string;
  status: UpdateStatus;
  dryRun: boolean;
  /** The template branch was missing and was created from a render of the recorded version. */
  bootstrapped: boolean;
  answers: AnswersDiff;
  files: FileChanges;
  /** The merge commit on the working branch (when the update completed). */
  commit?: string;
}

export async function updateService(options: UpdateOptions): Promise<UpdateSummary> {
  const dir = resolve(options.dir);
  const dryRun = options.dryRun === true;
  const recorded = await readAnswersFile(dir);
  const repo = await openRepo(dir, dryRun);
  try {
    // Guard clauses and the render: the safety checks run in git while this process renders
    // the target (rendering writes nothing, and a question waits for the checks); a refusal
    // from the checks is reported before anything the render found.
    const guard = refuseUnsafeState(repo);
    const [checked, target] = await Promise.allSettled([guard, renderTarget(recorded, options, guard)]);
    if (checked.status === 'rejected') throw checked.reason;
    if (target.status === 'rejected') throw target.reason;
    const { to, origin, diff, theirs } = target.value;
    // Commit the pristine render on top of the template branch (no ref moves yet).
    const { head, base, pristine, ours } = await commitRender(repo, checked.value, recorded, to, theirs, options.env);
    const summary: UpdateSummary = {
      dir,
      template: recorded.template,
      from: recorded.templateVersion,
      to,
      source: origin,
      status: 'up-to-date',
      dryRun,
      bootstrapped: base.adopted,
      answers: diff,
      files: { updated: [], added: [], removed: [], renamed: [], conflicted: [] },
    };
    if (!base.adopted && pristine === base.commit && (await isAncestor(repo, pristine, head))) {
      // The branch already holds this render, so the recorded version is not the one the
      // service was last rendered from: the answers file was edited (or restored) by hand.
      if (recorded.templateVersion !== to)
        throw new UsageError(
          `${ANSWERS_PATH} records ${recorded.template} template ${recorded.templateVersion}, but the service was last rendered from ${to} (the ${TEMPLATE_BRANCH} branch holds that render)`,
          `set templateVersion: ${JSON.stringify(to)} in ${ANSWERS_PATH}, or restore the file from git history (git log -p -- ${ANSWERS_PATH})`,
        );
      return summary;
    }
    // Plan: what the merge would change and where it would conflict.
    summary.files = await planUpdate(repo, ours, pristine);
    if (dryRun) {
      summary.status = summary.files.conflicted.length > 0 ? 'would-conflict' : 'would-update';
      return summary;
    }
    // Apply: move the template branch and merge it into the working branch.
    return await applyMerge(repo, { base, pristine, head, ours, theirs, summary });
  } finally {
    await repo.dispose();
  }
}

interface Target {
  to: string;
  /** 'templates' or the release tag the target was read from. */
  origin: string;
  diff: AnswersDiff;
  theirs: FileTree;
}

/** The target version rendered with the recorded answers and the requested changes (refusing a downgrade). */
async function renderTarget(recorded: AnswersRecord, options: UpdateOptions, guard: Promise<unknown>): Promise<Target> {
  const target = await templateAt(recorded.template, options.to, options.env);
  try {
    const to = target.template.manifest.version;
    refuseDowngrade(recorded, to);
    const ask = options.ask;
    const askAfterGuard: AskMissing | undefined =
      ask &&
      (async (template, raw) => {
        await guard;
        return ask(template, raw);
      });
    const { answers, diff } = await updatedAnswers(target.template, recorded.answers, { set: {}, with: [], without: [], ...options.changes }, askAfterGuard);
    return { to, origin: target.origin, diff, theirs: await generateTree(target.template, answers, target.env) };
  } finally {
    await target.dispose();
  }
}

interface Rendered {
  /** The working branch's commit. */
  head: string;
  base: Base;
  /** The commit of the target render (the template branch's tip when nothing changed). */
  pristine: string;
  /** What the merge starts from: head, or its adoption of a template branch it never had. */
  ours: string;
}

/** Writes the render as a commit on top of the template branch's tip (or a fresh base); no ref moves. */
async function commitRender(repo: Repo, branch: string, recorded: AnswersRecord, to: string, theirs: FileTree, env: NodeJS.ProcessEnv): Promise<Rendered> {
  const tips = await branchTips(repo, [branch, TEMPLATE_REF]);
  const head = tips.get(branch) ?? fail(`the branch ${branch.replace('refs/heads/', '')} has no commits yet; commit the service first`);
  const base = await templateBase(repo, tips.get(TEMPLATE_REF), recorded, env);
  const rendered = await writeTree(repo, theirs);
  const pristine =
    base.commit !== undefined && rendered === base.tree
      ? base.commit
      : await commitTree(repo, rendered, base.commit === undefined ? [] : [base.commit], `chore: render ${recorded.template} template ${to}`);
  const ours = base.adopted
    ? await commitTree(
        repo,
        head.tree,
        [head.commit, base.commit ?? pristine],
        `chore: adopt ${TEMPLATE_BRANCH} (the pristine render of ${recorded.template} template ${recorded.templateVersion})`,
      )
    : head.commit;
  return { head: head.commit, base, pristine, ours };
}

/** The merge's file changes, refusing one that would overwrite ignored files. */
async function planUpdate(repo: Repo, ours: string, pristine: string): Promise<FileChanges> {
  const plan = await planMerge(repo, ours, pristine);
  // The answers file is the update's own record: it always takes the new render's text.
  plan.changes.conflicted = plan.changes.conflicted.filter((p) => p !== ANSWERS_PATH);
  const inTheWay = ignoredInTheWay(repo, plan.changes);
  if (inTheWay.length > 0) {
    throw new UsageError(
      `the update adds files that already exist as ignored files and would overwrite them: ${inTheWay.join(', ')}`,
      'move them aside (or commit them), then run update again',
    );
  }
  return plan.changes;
}

function fail(message: string): never {
  throw new UsageError(message);
}

function refuseDowngrade(recorded: AnswersRecord, to: string): void {
  if (semver.valid(recorded.templateVersion) !== null && semver.lt(to, recorded.templateVersion)) {
    throw new UsageError(
      `the service is on ${recorded.template} template ${recorded.templateVersion}; ${to} is older and update does not downgrade`,
      `pass --to with a version of at least ${recorded.templateVersion}, or point PAVED_TEMPLATES_DIR at newer templates`,
    );
  }
}

interface Base {
  /** The template branch's tip: the last pristine render the working branch merged. */
  commit: string | undefined;
  tree: string | undefined;
  /** True when there was no template branch and `commit` is a fresh render of the recorded version. */
  adopted: boolean;
}

/**
 * The merge base. Normally the template branch's tip. A service without that branch (made
 * with --no-git and committed later, or from an older create-service) gets one: the recorded
 * version rendered with the recorded answers, which the working branch then adopts with an
 * "ours" merge commit (same files, the render as a second parent), so git sees it as the base.
 */
async function templateBase(repo: Repo, tip: { commit: string; tree: string } | undefined, recorded: AnswersRecord, env: NodeJS.ProcessEnv): Promise<Base> {
  if (tip !== undefined) return { ...tip, adopted: false };
  const source = await templateAt(recorded.template, recorded.templateVersion, env).catch((error: unknown) => {
    if (!(error instanceof PavedError)) throw error;
    throw new PavedError(`${repo.dir} has no ${TEMPLATE_BRANCH} branch, and rendering the version it was generated from failed: ${error.message}`, {
      exitCode: error.exitCode,
      hint: error.hint ?? 'see the update section of the README',
    });
  });
  try {
    const answers = resolveAnswers(source.template, recorded.answers);
    const tree = await writeTree(repo, await generateTree(source.template, answers, source.env));
    return { commit: await commitTree(repo, tree, [], `chore: render ${recorded.template} template ${recorded.templateVersion}`), tree, adopted: true };
  } finally {
    await source.dispose();
  }
}

interface Apply {
  base: Base;
  pristine: string;
  head: string;
  ours: string;
  theirs: FileTree;
  summary: UpdateSummary;
}

/** Moves the template branch, merges it into the working branch with git, and commits unless there are conflicts. */
async function applyMerge(repo: Repo, { base, pristine, head, ours, theirs, summary }: Apply): Promise<UpdateSummary> {
  const zero = '0'.repeat(head.length);
  const restore = async () => {
    await repo.git(['update-ref', TEMPLATE_REF, base.adopted ? zero : (base.commit ?? zero)]).catch(() => undefined);
    if (base.adopted) await repo.git(['update-ref', 'HEAD', head]).catch(() => undefined);
  };
  if (base.adopted) {
    await repo.git(['update-ref', '-m', 'paved update: adopt the template branch', TEMPLATE_REF, pristine, zero]);
    await repo.git(['update-ref', '-m', 'paved update: adopt the template branch', 'HEAD', ours, head]);
  } else if (pristine !== base.commit) {
    await repo.git(['update-ref', '-m', 'paved update: new render', TEMPLATE_REF, pristine, base.commit ?? zero]);
  }
  if (base.adopted && (await isAncestor(repo, pristine, ours))) {
    // Adopted, and the target render is the recorded one: the branch exists now, nothing to merge.
    summary.commit = ours;
    return summary;
  }
  const message = `chore: update from ${summary.template} template ${summary.from} to ${summary.to}`;
  let clean = true;
  try {
    await repo.git(['-c', 'merge.renames=true', 'merge', '--no-ff', '--no-commit', '--no-edit', '-m', message, TEMPLATE_BRANCH]);
  } catch (error) {
    clean = false;
    if ((await repo.git(['ls-files', '--unmerged'])).trim() === '') {
      await restore();
      throw error;
    }
  }
  // The answers file is the update's record: it takes the new render's text whatever the merge made of it.
  const answers = theirs.get(ANSWERS_PATH);
  const answersFile = join(repo.dir, ANSWERS_PATH);
  if (answers !== undefined && !(existsSync(answersFile) && readFileSync(answersFile).equals(answers.contents))) {
    writeFileSync(answersFile, answers.contents);
    await repo.git(['add', '--', ANSWERS_PATH]);
  }
  const unmerged = clean ? [] : (await repo.git(['diff', '--name-only', '--diff-filter=U', '-z'])).split('\0').filter((p) => p !== '');
  if (unmerged.length > 0) {
    summary.status = 'conflicts';
    summary.files.conflicted = [...new Set(unmerged)].sort();
    return summary;
  }
  await repo.git(['commit', '--no-verify', '--no-edit', '--quiet']);
  summary.status = 'updated';
  summary.commit = (await revParse(repo, 'HEAD')) ?? '';
  summary.files.conflicted = [];
  return summary;
}
