import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import semver from 'semver';
import { PavedError, UsageError } from '@paved/frame';
import { git } from '../git.js';
import { loadTemplate, templatesRoot, type Template } from '../engine/index.js';

/**
 * Where a released template version comes from. The templates `create-service` reads
 * (PAVED_TEMPLATES_DIR, or the copy it ships) are one version of each template; any other
 * released version is read from the git history of that folder, at the tag
 * `templates/<id>/v<version>` (made when a template's version is bumped on main).
 */
export function releaseTag(id: string, version: string): string {
  return `templates/${id}/v${version}`;
}

export interface TemplateSource {
  template: Template;
  /** 'templates' when read from the templates folder as it is, else the tag it came from. */
  origin: string;
  /**
   * The environment to render with: a tagged release pins its generated workflows to the
   * tag's own commit (PAVED_WORKFLOWS_REF), unless the user set one.
   */
  env: NodeJS.ProcessEnv;
  /** Removes the temporary copy of a tagged release (nothing for the folder itself). */
  dispose(): Promise<void>;
}

/** The template `id` at `version` (or at whatever version the templates folder holds). */
export async function templateAt(id: string, version: string | undefined, env: NodeJS.ProcessEnv): Promise<TemplateSource> {
  if (version !== undefined && semver.valid(version) !== version) {
    const clean = semver.valid(version);
    throw new UsageError(
      `--to ${JSON.stringify(version)} is not a template version; expected a semantic version like 1.2.0`,
      clean ? `pass --to ${clean}` : 'the versions are the release tags templates/<id>/v<version>',
    );
  }
  const root = templatesRoot(env);
  const current = await loadTemplate(id, root);
  if (version === undefined || current.manifest.version === version) {
    return { template: current, origin: 'templates', env, dispose: async () => {} };
  }
  const tag = releaseTag(id, version);
  const howToFix = `point PAVED_TEMPLATES_DIR at a checkout of the templates that has the tag ${tag} (git fetch --tags), or at a copy of that release's templates folder`;
  const top = await git(root, ['rev-parse', '--show-toplevel']).then(
    (s) => s.trim(),
    () => undefined,
  );
  if (top === undefined) {
    throw new UsageError(
      `template ${id} in ${root} is version ${current.manifest.version}, not ${version}, and that folder is not a git checkout to find other versions in`,
      howToFix,
    );
  }
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]).then(
    (s) => s.trim(),
    () => '',
  );
  if (commit === '') {
    throw new UsageError(
      `template ${id} ${version} is not available: ${root} holds ${current.manifest.version} and its git repository has no tag ${tag}`,
      howToFix,
    );
  }
  // The templates folder's place inside its repository, so the tag's copy of that folder is read.
  const inside = relative(await realpath(top), await realpath(root))
    .split(sep)
    .join('/');
  const copy = await mkdtemp(join(tmpdir(), `paved-template-${id}-${version}-`));
  try {
    // A temporary index and work tree: the templates checkout itself is never touched.
    const env_ = { ...process.env, GIT_INDEX_FILE: join(copy, '.index'), GIT_WORK_TREE: copy };
    await git(root, ['read-tree', inside === '' ? commit : `${commit}:${inside}`], env_);
    await git(root, ['checkout-index', '--all', `--prefix=${copy}/root/`], env_);
    const template = await loadTemplate(id, join(copy, 'root'));
    if (template.manifest.version !== version) {
      throw new PavedError(`tag ${tag} holds template ${id} version ${template.manifest.version}, not ${version}`, {
        hint: 'the tag points at the wrong commit; ask the templates maintainers to fix it',
      });
    }
    const renderEnv = { ...env, PAVED_WORKFLOWS_REF: env.PAVED_WORKFLOWS_REF ?? commit };
    return { template, origin: tag, env: renderEnv, dispose: () => rm(copy, { recursive: true, force: true }) };
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    throw error;
  }
}
