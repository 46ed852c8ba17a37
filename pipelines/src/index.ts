// Library API of @paved/pipelines: the logic behind Paved's reusable workflows.
export { parseCommit } from './conventional.js';
export type { Commit, ConventionalCommit, MalformedCommit, MergeCommit, ParsedCommit, RevertCommit } from './conventional.js';
export { bumpOf, nextVersion, releasable, ReleaseError } from './version.js';
export type { NextVersionInput, NextVersionResult, ReleasableCommit, ReleaseType } from './version.js';
export { insertIntoChangelog, renderChangelog } from './changelog.js';
export type { ChangelogInput } from './changelog.js';
export { release } from './release.js';
export type { ReleaseOptions, ReleaseReport } from './release.js';
export { formatImageRef, ImageRefError, parseImageRef } from './image.js';
export type { ImageRef } from './image.js';
export { deployedName, KustomizationError, readImages, setImage } from './kustomization.js';
export type { ImageEdit, ImageEntry } from './kustomization.js';
export { lineDiff, promote, PromoteError } from './promote.js';
export type { PromoteOptions, PromoteReport } from './promote.js';
export { GitError, httpsRepoUrl } from './git.js';
export { run } from './cli.js';
export type { Io } from './cli.js';
