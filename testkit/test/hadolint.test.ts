import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFindings, hadolint, testTempDir } from '../src/index.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

// Multi-stage, digest-pinned bases, exec-form CMD, non-root user: what templates emit.
const GOOD = `FROM node:24.11.0-bookworm-slim@${DIGEST} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .

FROM node:24.11.0-bookworm-slim@${DIGEST}
WORKDIR /app
COPY --from=build /app /app
USER 1000:1000
CMD ["node", "server.js"]
`;

const BAD = `FROM node:latest
RUN apt-get update && apt-get install -y curl
COPY . .
CMD node server.js
`;

function dockerfile(content: string): string {
  const file = join(testTempDir('paved-testkit-docker-'), 'Dockerfile');
  writeFileSync(file, content);
  return file;
}

describe('hadolint', () => {
  it('reports nothing on a clean Dockerfile', async () => {
    const findings = await hadolint(dockerfile(GOOD));
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('reports latest tags, unpinned apt packages and info-level advice', async () => {
    const findings = await hadolint(dockerfile(BAD));
    const rules = findings.map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['DL3007', 'DL3008', 'DL3025', 'DL3015', 'DL3009']));
    expect(findings.find((f) => f.rule === 'DL3007')).toMatchObject({ line: 1 });
    expect(findings.some((f) => f.message.startsWith('info:'))).toBe(true);
  });

  it('refuses a path that does not exist', async () => {
    await expect(hadolint('/nonexistent/Dockerfile')).rejects.toThrow(/does not exist/);
  });
});
