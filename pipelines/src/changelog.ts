// Markdown release notes grouped by commit type, and their place in CHANGELOG.md.
import { ReleaseError } from './version.js';
import type { ReleasableCommit } from './version.js';

export interface ChangelogInput {
  version: string;
  /** tag of this release, e.g. `v1.3.0` */
  tag: string;
  /** tag of the release compared against, or null for the first release */
  previousTag: string | null;
  /** YYYY-MM-DD */
  date: string;
  commits: ReleasableCommit[];
  /** https URL of the repository (no trailing slash) for links; no links when null */
  repoUrl: string | null;
}

interface Group {
  title: string;
  accepts: (commit: ReleasableCommit) => boolean;
}

// Order is the order readers care about: what breaks them first.
const GROUPS: Group[] = [
  { title: 'Features', accepts: (c) => c.kind === 'conventional' && c.type === 'feat' },
  { title: 'Bug Fixes', accepts: (c) => c.kind === 'conventional' && c.type === 'fix' },
  { title: 'Performance Improvements', accepts: (c) => c.kind === 'conventional' && c.type === 'perf' },
  { title: 'Reverts', accepts: (c) => c.kind === 'revert' },
];

export function renderChangelog(input: ChangelogInput): string {
  const { repoUrl } = input;
  const heading = repoUrl
    ? input.previousTag
      ? `## [${input.version}](${repoUrl}/compare/${input.previousTag}...${input.tag}) (${input.date})`
      : `## [${input.version}](${repoUrl}/releases/tag/${input.tag}) (${input.date})`
    : `## ${input.version} (${input.date})`;
  const out: string[] = [heading, ''];

  const breaking = input.commits.flatMap((c) => (c.kind === 'conventional' && c.breaking ? c.breakingNotes.map((note) => ({ commit: c, note })) : []));
  if (breaking.length > 0) {
    out.push('### ⚠ BREAKING CHANGES', '');
    for (const { commit, note } of breaking) {
      out.push(`- ${scopePrefix(commit)}${inline(note, repoUrl)} ${commitLink(commit.sha, repoUrl)}`);
    }
    out.push('');
  }

  for (const group of GROUPS) {
    const entries = input.commits.filter(group.accepts);
    if (entries.length === 0) continue;
    out.push(`### ${group.title}`, '');
    for (const commit of entries) {
      const text = commit.kind === 'revert' ? (commit.revertedHeader ?? commit.subject) : commit.subject;
      const prefix = commit.kind === 'conventional' ? scopePrefix(commit) : '';
      out.push(`- ${prefix}${inline(text, repoUrl)} ${commitLink(commit.sha, repoUrl)}`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const TITLE = '# Changelog';

/**
 * Puts a release section above the previous ones (newest first, as readers
 * expect), keeping any introduction under the title. Refuses to add a version
 * twice so a re-run never duplicates notes.
 */
export function insertIntoChangelog(existing: string | null, section: string, version: string): string {
  if (existing === null || existing.trim() === '') {
    return `${TITLE}\n\n${section}`;
  }
  const escaped = version.replace(/[.+]/g, '\\$&');
  if (new RegExp(`^## \\[?${escaped}[\\] ]`, 'm').test(existing)) {
    throw new ReleaseError(`CHANGELOG.md already has a section for ${version}; remove it or release another version`);
  }
  const lines = existing.replace(/\r\n/g, '\n').split('\n');
  const firstRelease = lines.findIndex((line) => line.startsWith('## '));
  if (firstRelease < 0) {
    return `${existing.trimEnd()}\n\n${section}`;
  }
  const head = lines.slice(0, firstRelease).join('\n').trimEnd();
  const rest = lines.slice(firstRelease).join('\n');
  return `${head === '' ? '' : `${head}\n\n`}${section}\n${rest}`;
}

function scopePrefix(commit: ReleasableCommit): string {
  return commit.kind === 'conventional' && commit.scope ? `**${escapeMarkdown(commit.scope)}:** ` : '';
}

function commitLink(sha: string, repoUrl: string | null): string {
  const short = sha.slice(0, 7);
  return repoUrl ? `([${short}](${repoUrl}/commit/${sha}))` : `(${short})`;
}

// Commit text is written by anyone who can push: neutralise Markdown/HTML
// that could forge links or markup, then link `#123` references ourselves.
function inline(text: string, repoUrl: string | null): string {
  const flat = escapeMarkdown(text.replace(/\s+/g, ' ').trim());
  if (!repoUrl) return flat;
  return flat.replace(/(^|[\s(])#(\d+)\b/g, (_m, before: string, num: string) => `${before}[#${num}](${repoUrl}/issues/${num})`);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\<>[\]*_|]/g, '\\$&');
}
