// Real temporary git repositories for the tests.
import { captureIo, type CapturedIo } from '@paved/testkit';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { $ } from 'zx/core';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Paved Test',
  GIT_AUTHOR_EMAIL: 'test@paved.invalid',
  GIT_COMMITTER_NAME: 'Paved Test',
  GIT_COMMITTER_EMAIL: 'test@paved.invalid',
};

export class Repo {
  private files = 0;

  private constructor(readonly dir: string) {}

  static async create(): Promise<Repo> {
    const dir = await mkdtemp(join(tmpdir(), 'paved-pipelines-'));
    const repo = new Repo(dir);
    await repo.git('init', '--quiet', '--initial-branch=main');
    // an identity in the repository itself, as CI sets one before releasing
    await repo.git('config', 'user.name', IDENTITY.GIT_AUTHOR_NAME);
    await repo.git('config', 'user.email', IDENTITY.GIT_AUTHOR_EMAIL);
    await repo.git('config', 'commit.gpgsign', 'false');
    await repo.git('config', 'tag.gpgsign', 'false');
    return repo;
  }

  async git(...args: string[]): Promise<string> {
    const result = await $({ cwd: this.dir, env: { ...process.env, ...IDENTITY }, quiet: true })`git ${args}`;
    return result.stdout.replace(/\n$/, '');
  }

  async write(path: string, content: string): Promise<void> {
    const full = join(this.dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }

  /** A commit touching its own file, so every commit has a real change. */
  async commit(message: string): Promise<string> {
    // a new file per commit: branches never conflict when merged
    this.files += 1;
    const file = `changes/${this.files.toString()}.txt`;
    await this.write(file, `${message}\n`);
    await this.git('add', '--', file);
    await this.git('commit', '--quiet', '--no-verify', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  async commitFiles(message: string, files: Record<string, string>): Promise<string> {
    for (const [path, content] of Object.entries(files)) await this.write(path, content);
    await this.git('add', '--', ...Object.keys(files));
    await this.git('commit', '--quiet', '--no-verify', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  async tag(name: string): Promise<void> {
    await this.git('tag', '--annotate', name, '-m', name);
  }

  async head(): Promise<string> {
    return this.git('rev-parse', 'HEAD');
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** An Io for the commands that keeps what they print. */
export function capture(cwd: string): CapturedIo {
  return captureIo({ cwd });
}
