import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Serves git's smart HTTP protocol for bare repositories under `root` by running the real
 * `git http-backend` CGI program, so pushes in tests are real pushes.
 * `pathInfo` is "/<owner>/<repo>.git/<service path>".
 */
export function serveGit(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  root: string,
  pathInfo: string,
  query: string,
  dropAfter: boolean,
): Promise<number> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: String(body.length),
      // Set after authentication: http-backend then allows receive-pack (push).
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.resume();
    child.stdin.on('error', () => {});
    child.stdin.end(body);
    child.on('close', () => {
      const all = Buffer.concat(out);
      if (dropAfter) {
        req.socket.destroy();
        resolve(0);
        return;
      }
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split < 0 ? 0 : split).toString('latin1');
      let status = 200;
      for (const line of head.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      res.end(split < 0 ? all : all.subarray(split + 4));
      resolve(status);
    });
  });
}
