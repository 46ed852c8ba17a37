import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('run', () => {
  it("returns a program's own non-zero exit and output, 127 included", async () => {
    expect(await run('sh', ['-c', 'echo out; echo "No such file" >&2; exit 127'])).toEqual({ code: 127, stdout: 'out\n', stderr: 'No such file\n' });
  });

  it('passes every argument as one argument, never re-parsed by the shell', async () => {
    expect((await run('printf', ['%s|', 'a b', '$(id)', "'quoted'"])).stdout).toBe("a b|$(id)|'quoted'|");
  });

  it('says a program that is not there could not start, on PATH or by path', async () => {
    await expect(run('no-such-tool-paved', [])).rejects.toThrow(/^could not start no-such-tool-paved: not found on PATH/);
    await expect(run('./no-such-tool', [], { cwd: '/' })).rejects.toThrow(/^could not start \.\/no-such-tool: not found \(/);
  });
});
