/** The template engine: answers in, a file tree out, written atomically. No template content lives here. */
export { listTemplates, loadTemplate, templatesRoot, type Template } from './catalog.js';
export {
  checkValue,
  missingValues,
  parseFeatureFlags,
  parseSetFlags,
  resolveAnswers,
  type AnswerValue,
  type Answers,
  type RawAnswers,
} from './answer-rules.js';
export { renderTemplate, renderContext, renderText, createRenderer, strictContext, pavedRefLookup, type PavedRefLookup } from './render.js';
export { checkTarget, writeTreeAtomic, type WriteOptions } from './write.js';
export { ANSWERS_PATH, answersFileText, readAnswersFile, type AnswersRecord } from './answers-file.js';
export { sortedEntries, treeSize, type FileTree, type TreeFile } from './file-tree.js';
export { readManifest, checkManifest, type Manifest, type Parameter, type Feature } from './manifest.js';
// The naming contract create-service shares with the platform.
export { nameProblem, NAME_MAX, NAME_PATTERN } from '@paved/naming';

import type { Answers } from './answer-rules.js';
import { ANSWERS_PATH, answersFileText } from './answers-file.js';
import type { Template } from './catalog.js';
import type { FileTree } from './file-tree.js';
import { renderTemplate } from './render.js';

/**
 * The complete service: the rendered template plus its answers file. `env` is where
 * PAVED_WORKFLOWS_REF is read (`paved update` pins a tagged release's own commit).
 */
export async function generateTree(template: Template, answers: Answers, env: NodeJS.ProcessEnv = process.env): Promise<FileTree> {
  const tree = await renderTemplate(template, answers, env);
  tree.set(ANSWERS_PATH, { contents: Buffer.from(answersFileText(template, answers), 'utf8'), mode: 0o644 });
  return tree;
}
