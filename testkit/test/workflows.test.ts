import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionlint, formatFindings, zizmor, testTempDir } from '../src/index.js';

// A workflow that follows the project's conventions: SHA-pinned actions, read-only
// permissions, untrusted input passed through env, no persisted credentials.
const GOOD = `name: ci
on:
  pull_request:
permissions:
  contents: read
concurrency:
  group: ci-\${{ github.ref }}
  cancel-in-progress: true
jobs:
  test:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4.3.0
        with:
          persist-credentials: false
      - name: greet
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: printf '%s\\n' "$TITLE"
`;

// Script injection from an issue title, a tag-pinned action, default (write-all) permissions
// and an unquoted variable that shellcheck flags.
const BAD = `on:
  issues:
    types: [opened]
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.issue.title }}"
      - run: echo $HOME/$1
`;

function workflowDir(content: string): { dir: string; file: string } {
  const dir = testTempDir('paved-testkit-wf-');
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  const file = join(dir, '.github', 'workflows', 'ci.yml');
  writeFileSync(file, content);
  return { dir, file };
}

describe('actionlint', () => {
  it('reports nothing on a clean workflow', async () => {
    const { dir } = workflowDir(GOOD);
    const findings = await actionlint(['.github/workflows/ci.yml'], { cwd: dir });
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('reports the untrusted expression in run: and shellcheck problems', async () => {
    const { dir } = workflowDir(BAD);
    const findings = await actionlint(['.github/workflows/ci.yml'], { cwd: dir });
    expect(findings).toContainEqual(expect.objectContaining({ tool: 'actionlint', rule: 'expression', line: 9, file: '.github/workflows/ci.yml' }));
    expect(findings.some((f) => f.rule === 'shellcheck' && f.line === 10)).toBe(true);
  });

  it('fails clearly for a file that does not exist', async () => {
    const { dir } = workflowDir(GOOD);
    await expect(actionlint(['.github/workflows/missing.yml'], { cwd: dir })).rejects.toThrow(/actionlint failed/);
  });
});

describe('zizmor (offline)', () => {
  it('reports nothing on a clean workflow', async () => {
    const { file } = workflowDir(GOOD);
    const findings = await zizmor([file]);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('reports template injection, unpinned uses, persisted credentials and missing permissions', async () => {
    const { file } = workflowDir(BAD);
    const rules = (await zizmor([file])).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['template-injection', 'unpinned-uses', 'artipacked', 'excessive-permissions']));
  });
});
