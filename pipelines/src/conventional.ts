// Parsing of commit messages as Conventional Commits 1.0.
// Anything that is not one (merge commits, reverts written by `git revert`,
// free text) is classified rather than thrown on: a release must never crash
// because someone once typed "wip".

export interface Commit {
  /** full commit SHA */
  sha: string;
  /** full message: subject, blank line, body and footers */
  message: string;
}

export interface ConventionalCommit {
  kind: 'conventional';
  sha: string;
  /** lower-cased type, e.g. `feat` */
  type: string;
  scope: string | null;
  subject: string;
  breaking: boolean;
  /** the text after `BREAKING CHANGE:` (or the subject when only `!` was used) */
  breakingNotes: string[];
  /** issue and pull request numbers referenced as `#123` */
  references: number[];
}

export interface MergeCommit {
  kind: 'merge';
  sha: string;
  subject: string;
}

export interface RevertCommit {
  kind: 'revert';
  sha: string;
  subject: string;
  /** the header of the reverted commit, as quoted by `git revert` */
  revertedHeader: string | null;
  /** SHAs named in "This reverts commit <sha>." */
  revertedShas: string[];
}

export interface MalformedCommit {
  kind: 'malformed';
  sha: string;
  subject: string;
  reason: string;
}

export type ParsedCommit = ConventionalCommit | MergeCommit | RevertCommit | MalformedCommit;

// type(scope)!: description — type is a noun of letters (case-insensitive per
// the spec), the scope is anything but parentheses, the separator is ": ".
const HEADER = /^(?<type>[A-Za-z][A-Za-z0-9-]*)(?:\((?<scope>[^()\r\n]*)\))?(?<bang>!)?: (?<subject>\S.*)$/;
// Footers: "BREAKING CHANGE: text" / "BREAKING-CHANGE: text" (must be upper case).
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: ?(?<text>.*)$/;
// Any footer token, so that the breaking note stops at the next footer.
const FOOTER = /^(?:[A-Za-z][A-Za-z-]*|BREAKING CHANGE)(?:: | #)/;
const MERGE_SUBJECT = /^Merge (?:pull request|branch|remote-tracking branch|tag|commit|branches)\b/;
const GIT_REVERT_SUBJECT = /^Revert "(?<header>.*)"$/;
const REVERTS_SHA = /This reverts commit (?<sha>[0-9a-f]{7,40})/g;
const REFERENCE = /(?:^|[\s(])#(?<num>\d+)\b/g;

export function parseCommit(commit: Commit): ParsedCommit {
  const message = commit.message.replace(/\r\n/g, '\n').trim();
  const lines = message.split('\n');
  const subject = (lines[0] ?? '').trim();
  const sha = commit.sha;

  if (subject === '') {
    return { kind: 'malformed', sha, subject, reason: 'the commit message is empty' };
  }
  if (MERGE_SUBJECT.test(subject)) {
    return { kind: 'merge', sha, subject };
  }

  const gitRevert = GIT_REVERT_SUBJECT.exec(subject);
  const header = HEADER.exec(subject);
  if (gitRevert || header?.groups?.['type']?.toLowerCase() === 'revert') {
    const revertedShas = [...message.matchAll(REVERTS_SHA)].map((m) => m.groups?.['sha'] ?? '').filter(Boolean);
    const revertedHeader = gitRevert?.groups?.['header'] ?? header?.groups?.['subject'] ?? null;
    return { kind: 'revert', sha, subject, revertedHeader, revertedShas };
  }

  if (!header?.groups) {
    return {
      kind: 'malformed',
      sha,
      subject,
      reason: 'the subject is not "<type>[(scope)][!]: <description>"',
    };
  }

  const type = (header.groups['type'] ?? '').toLowerCase();
  const scopeText = header.groups['scope']?.trim();
  const description = (header.groups['subject'] ?? '').trim();
  const breakingNotes = breakingFooters(lines.slice(1));
  const bang = header.groups['bang'] === '!';
  if (bang && breakingNotes.length === 0) breakingNotes.push(description);

  return {
    kind: 'conventional',
    sha,
    type,
    scope: scopeText ? scopeText : null,
    subject: description,
    breaking: bang || breakingNotes.length > 0,
    breakingNotes,
    references: references(message),
  };
}

function breakingFooters(bodyLines: string[]): string[] {
  const notes: string[] = [];
  let current: string[] | null = null;
  for (const line of bodyLines) {
    const match = BREAKING_FOOTER.exec(line);
    if (match) {
      if (current) notes.push(current.join('\n').trim());
      current = [match.groups?.['text'] ?? ''];
      continue;
    }
    if (current) {
      if (FOOTER.test(line)) {
        notes.push(current.join('\n').trim());
        current = null;
      } else {
        current.push(line);
      }
    }
  }
  if (current) notes.push(current.join('\n').trim());
  return notes.map((n) => (n === '' ? 'breaking change' : n));
}

function references(message: string): number[] {
  const seen = new Set<number>();
  for (const m of message.matchAll(REFERENCE)) {
    const n = Number(m.groups?.['num']);
    if (Number.isSafeInteger(n) && n > 0) seen.add(n);
  }
  return [...seen];
}
