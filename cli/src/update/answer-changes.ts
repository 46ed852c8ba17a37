import { combineUsageErrors } from '@paved/frame';
import { missingValues, resolveAnswers, type Answers, type AnswerValue, type RawAnswers, type Template } from '../engine/index.js';

/** What the user asked to change on this update. */
export interface AnswerChanges {
  /** --set key=value; `name` and `team` are accepted too. */
  set: Record<string, string>;
  /** --with: features to turn on. */
  with: string[];
  /** --without: features to turn off. */
  without: string[];
}

/** Asks for values that are still missing (a terminal is attached); returns the completed raw answers. */
export type AskMissing = (template: Template, raw: RawAnswers) => Promise<RawAnswers>;

export interface AnswersDiff {
  /** Parameters whose value changed (by --set, a prompt, or a new default). */
  changed: string[];
  /** Parameters the target template added, with the value they got. */
  added: string[];
  /** Recorded values the target template does not declare (left out of the render). */
  dropped: string[];
  featuresAdded: string[];
  /** Recorded features turned off with --without. */
  featuresRemoved: string[];
  /** Recorded features the target template does not have (left out of the render). */
  featuresUnknown: string[];
}

/**
 * The answers to render the target version with: the recorded ones, minus what the target
 * template no longer declares, plus the user's changes; a parameter the target adds gets the
 * given value, a prompt (on a terminal) or its default.
 */
export async function updatedAnswers(
  target: Template,
  recorded: Answers,
  changes: AnswerChanges,
  ask: AskMissing | undefined,
): Promise<{ answers: Answers; diff: AnswersDiff }> {
  const declared = new Set(target.manifest.parameters.map((p) => p.name));
  const knownFeatures = new Set(target.manifest.features.map((f) => f.id));
  const { name, team, ...set } = changes.set;

  const problems: string[] = [];
  for (const f of [...changes.with, ...changes.without]) {
    if (!knownFeatures.has(f))
      problems.push(
        `template ${target.manifest.id} ${target.manifest.version} has no feature ${JSON.stringify(f)}; available: ${[...knownFeatures].join(', ') || '(none)'}`,
      );
  }
  const both = changes.with.filter((f) => changes.without.includes(f));
  if (both.length > 0) problems.push(`--with and --without both name ${both.join(', ')}`);
  if (problems.length > 0) throw combineUsageErrors(problems, 'run `create-service --list-templates` for the features');

  const values: Record<string, AnswerValue | undefined> = {};
  for (const [key, value] of Object.entries(recorded.values)) if (declared.has(key)) values[key] = value;
  Object.assign(values, set);
  const features = new Set(recorded.features.filter((f) => knownFeatures.has(f)));
  for (const f of changes.with) features.add(f);
  for (const f of changes.without) features.delete(f);

  let raw: RawAnswers = { name: name ?? recorded.name, team: team ?? recorded.team, values, features: [...features] };
  const missing = missingValues(target, raw);
  if (ask !== undefined && target.manifest.parameters.some((p) => raw.values?.[p.name] === undefined)) raw = await ask(target, raw);
  else if (missing.length > 0) {
    throw combineUsageErrors(
      missing.map((m) => `template ${target.manifest.id} ${target.manifest.version} has a new parameter ${m} without a default; pass --set ${m}=<value>`),
      'nothing is asked without a terminal: pass the values as flags',
    );
  }
  const answers = resolveAnswers(target, raw);

  const diff: AnswersDiff = {
    changed: [],
    added: [],
    dropped: Object.keys(recorded.values).filter((k) => !declared.has(k)),
    featuresAdded: answers.features.filter((f) => !recorded.features.includes(f)),
    featuresRemoved: recorded.features.filter((f) => knownFeatures.has(f) && !answers.features.includes(f)),
    featuresUnknown: recorded.features.filter((f) => !knownFeatures.has(f)),
  };
  if (answers.name !== recorded.name) diff.changed.push('name');
  if (answers.team !== recorded.team) diff.changed.push('team');
  // Secret values are never recorded, so they are given (or defaulted) again on every update.
  const secret = new Set(target.manifest.parameters.filter((p) => p.secret).map((p) => p.name));
  for (const [key, value] of Object.entries(answers.values)) {
    if (secret.has(key)) continue;
    if (!(key in recorded.values)) diff.added.push(key);
    else if (recorded.values[key] !== value) diff.changed.push(key);
  }
  return { answers, diff };
}
