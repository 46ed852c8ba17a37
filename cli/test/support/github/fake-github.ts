import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serveGit } from './git-http.js';
import { OpenApiValidator, type SpecName } from './openapi.js';

/**
 * A stand-in for GitHub's REST API and git hosting on 127.0.0.1, for the endpoints publish
 * uses. It keeps state between calls, validates every request against GitHub's OpenAPI
 * description (violations are recorded and fail the tests that check them), serves real git
 * pushes through `git http-backend`, and can be told to misbehave (faults).
 */

export type FaultKind =
  | 'status500'
  | 'status502'
  /** 429 with retry-after and no rate-limit headers. */
  | 'rate429'
  /** 403 "You have exceeded a secondary rate limit" with retry-after. */
  | 'secondary'
  /** 403 with x-ratelimit-remaining: 0 and a reset time one second away. */
  | 'primary'
  /** Connection closed before the request is processed. */
  | 'drop'
  /** The request is processed, then the connection is closed without an answer. */
  | 'drop-after';

export interface Fault {
  /**
   * operationId from the spec, or for git: 'git/receive-pack-advertisement' (GET
   * info/refs?service=git-receive-pack), 'git/receive-pack' (the POST carrying the pack),
   * 'git/upload-pack'.
   */
  operationId: string;
  kind: FaultKind;
  /** How many matching requests misbehave (default 1; Infinity for a lasting outage). */
  times?: number;
  /**
   * Only requests about this repository ("owner/name": in the path, or the name in a create
   * request's body), so test cases can share one server.
   */
  repo?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  operationId: string;
  status: number;
  mutating: boolean;
}

interface Team {
  id: number;
  slug: string;
  name: string;
}
interface Account {
  login: string;
  id: number;
  type: 'User' | 'Organization';
  teams: Map<string, Team>;
}
interface Ruleset {
  id: number;
  name: string;
  target: string;
  enforcement: string;
  bypass_actors: unknown[];
  conditions: unknown;
  rules: unknown[];
  created_at: string;
  updated_at: string;
}
interface Environment {
  id: number;
  name: string;
  wait_timer: number;
  prevent_self_review: boolean;
  reviewers: { type: 'User' | 'Team'; id: number }[];
  deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  branch_policies: { id: number; name: string; type: string }[];
  created_at: string;
  updated_at: string;
}
export interface FakeRepo {
  id: number;
  owner: Account;
  name: string;
  visibility: 'public' | 'private' | 'internal';
  description: string | null;
  homepage: string | null;
  topics: string[];
  settings: Record<string, boolean>;
  rulesets: Map<number, Ruleset>;
  environments: Map<string, Environment>;
  variables: Map<string, { value: string; created_at: string; updated_at: string }>;
  teamAccess: Map<string, string>;
  bareDir: string;
  created_at: string;
}

export interface FakeGitHubOptions {
  /** Where bare repositories live. */
  root: string;
  token: string;
  /** The token's user. */
  user: string;
  /** Other user accounts that exist. */
  otherUsers?: string[];
  orgs: { login: string; teams: string[] }[];
  /** Classic-token scopes the token has (sent in x-oauth-scopes; missing ones are refused). */
  scopes?: string[];
  /** Where the REST API is mounted: "" like api.github.com, "/api/v3" like Enterprise Server. */
  apiPrefix?: string;
  /** Which OpenAPI description requests are checked against (default api.github.com). */
  spec?: SpecName;
  /** 'free': rulesets on private repositories are refused, as on GitHub Free. */
  plan?: 'free' | 'team';
}

/** Scopes a classic token needs per operation, beyond repo (only the ones the tests exercise). */
const NEEDS_SCOPE: Record<string, string> = {
  'teams/get-by-name': 'read:org',
};

class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}
const notFound = () => new Reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
const now = () => new Date().toISOString();

export class FakeGitHub {
  readonly requests: RequestRecord[] = [];
  readonly violations: string[] = [];
  readonly repos = new Map<string, FakeRepo>();
  private readonly accounts = new Map<string, Account>();
  private readonly faults: (Fault & { left: number; fired: number })[] = [];
  private readonly validator: OpenApiValidator;
  private server: Server | undefined;
  private nextId = 1000;
  url = '';

  /** REST API root to give the client. */
  get apiUrl(): string {
    return `${this.url}${this.options.apiPrefix ?? ''}`;
  }

  constructor(readonly options: FakeGitHubOptions) {
    this.validator = OpenApiValidator.shared(options.spec);
    this.accounts.set(options.user.toLowerCase(), { login: options.user, id: this.id(), type: 'User', teams: new Map() });
    for (const login of options.otherUsers ?? []) this.accounts.set(login.toLowerCase(), { login, id: this.id(), type: 'User', teams: new Map() });
    for (const org of options.orgs) {
      const teams = new Map(org.teams.map((slug) => [slug, { id: this.id(), slug, name: slug }] as const));
      this.accounts.set(org.login.toLowerCase(), { login: org.login, id: this.id(), type: 'Organization', teams });
    }
    mkdirSync(options.root, { recursive: true });
  }

  private id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`fake server error: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Arms a fault; the returned handle counts how often it fired. */
  fault(fault: Fault): { readonly fired: number } {
    const armed = { ...fault, left: fault.times ?? 1, fired: 0 };
    this.faults.push(armed);
    return armed;
  }

  clearFaults(repo?: string): void {
    for (let i = this.faults.length - 1; i >= 0; i -= 1) {
      if (repo === undefined || this.faults[i]?.repo === repo) this.faults.splice(i, 1);
    }
  }

  mutatingRequests(): RequestRecord[] {
    return this.requests.filter((r) => r.mutating);
  }

  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /**
   * Heads of the bare repository, read from its ref files (loose refs win over packed-refs,
   * as in git) because spawning git on every API call made the suite slow.
   */
  branches(repo: FakeRepo): { name: string; sha: string }[] {
    const heads = new Map<string, string>();
    const packed = join(repo.bareDir, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const m = /^([0-9a-f]{40}) refs\/heads\/(.+)$/.exec(line);
        if (m !== null) heads.set(m[2] ?? '', m[1] ?? '');
      }
    }
    const walk = (dir: string, prefix: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else heads.set(`${prefix}${entry.name}`, readFileSync(join(dir, entry.name), 'utf8').trim());
      }
    };
    walk(join(repo.bareDir, 'refs', 'heads'), '');
    return [...heads].map(([name, sha]) => ({ name, sha })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A repository that exists before publish runs (for adoption and name-clash tests). */
  seedRepo(owner: string, name: string): FakeRepo {
    const account = this.accounts.get(owner.toLowerCase());
    if (account === undefined) throw new Error(`seedRepo: unknown owner ${owner}`);
    return this.createRepo(account, { name, visibility: 'private' });
  }

  private createRepo(owner: Account, body: Record<string, unknown>): FakeRepo {
    const name = String(body.name);
    const bareDir = join(this.options.root, owner.login, `${name}.git`);
    mkdirSync(bareDir, { recursive: true });
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bareDir]);
    const repo: FakeRepo = {
      id: this.id(),
      owner,
      name,
      visibility: (body.visibility as FakeRepo['visibility'] | undefined) ?? (body.private === true ? 'private' : 'public'),
      description: (body.description as string | undefined) ?? null,
      homepage: (body.homepage as string | undefined) ?? null,
      topics: [],
      settings: {
        allow_merge_commit: (body.allow_merge_commit as boolean | undefined) ?? true,
        allow_squash_merge: (body.allow_squash_merge as boolean | undefined) ?? true,
        allow_rebase_merge: (body.allow_rebase_merge as boolean | undefined) ?? true,
        delete_branch_on_merge: (body.delete_branch_on_merge as boolean | undefined) ?? false,
      },
      rulesets: new Map(),
      environments: new Map(),
      variables: new Map(),
      teamAccess: new Map(),
      bareDir,
      created_at: now(),
    };
    this.repos.set(`${owner.login}/${name}`.toLowerCase(), repo);
    return repo;
  }

  private cloneUrl(repo: FakeRepo): string {
    return `${this.url}/git/${repo.owner.login}/${repo.name}.git`;
  }

  private takeFault(operationId: string, path: string, body?: unknown): Fault | undefined {
    const about = (repo: string): boolean => {
      const [owner = '', name = ''] = repo.split('/');
      if (new RegExp(`/${owner}/${name}(?:$|/|\\.git)`, 'i').test(path)) return true;
      return typeof body === 'object' && body !== null && (body as { name?: unknown }).name === name && path.toLowerCase().includes(`/${owner.toLowerCase()}/`);
    };
    const f = this.faults.find((x) => x.operationId === operationId && x.left > 0 && (x.repo === undefined || about(x.repo)));
    if (f !== undefined) {
      f.left -= 1;
      f.fired += 1;
    }
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const record = (operationId: string, status: number) =>
      this.requests.push({ method, path: url.pathname, operationId, status, mutating: method !== 'GET' && method !== 'HEAD' });

    const git = /^\/git\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(url.pathname);
    if (git !== null) {
      const operationId = url.pathname.endsWith('/git-receive-pack')
        ? 'git/receive-pack'
        : url.searchParams.get('service') === 'git-receive-pack'
          ? 'git/receive-pack-advertisement'
          : 'git/upload-pack';
      const fault = this.takeFault(operationId, url.pathname);
      if (fault?.kind === 'drop') {
        record(operationId, 0);
        req.socket.destroy();
        return;
      }
      if (fault !== undefined && fault.kind !== 'drop-after') {
        record(operationId, 502);
        res.writeHead(502).end('fake: injected fault');
        return;
      }
      if (!this.gitAuthorised(req.headers.authorization)) {
        record(operationId, 401);
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' }).end();
        return;
      }
      const repo = this.repo(git[1] ?? '', git[2] ?? '');
      if (repo === undefined) {
        record(operationId, 404);
        res.writeHead(404).end('Repository not found.');
        return;
      }
      const status = await serveGit(
        req,
        res,
        raw,
        this.options.root,
        `/${repo.owner.login}/${repo.name}.git${git[3] ?? ''}`,
        url.search.slice(1),
        fault?.kind === 'drop-after',
      );
      record(operationId, status);
      return;
    }

    const prefix = this.options.apiPrefix ?? '';
    if (prefix !== '') {
      if (!url.pathname.startsWith(`${prefix}/`)) {
        this.violations.push(`${method} ${url.pathname}: outside the API prefix ${prefix}`);
        record('', 404);
        this.send(res, notFound());
        return;
      }
      url.pathname = url.pathname.slice(prefix.length);
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        this.violations.push(`${method} ${url.pathname}: body is not JSON`);
      }
    }
    const matched = this.validator.match(method, url, body, req.headers['content-type']);
    if (matched === undefined) {
      this.violations.push(`${method} ${url.pathname}: no such endpoint in GitHub's OpenAPI description`);
      record('', 404);
      this.send(res, notFound());
      return;
    }
    const op = matched.operationId;
    const fault = this.takeFault(op, url.pathname, body);
    if (fault?.kind === 'drop') {
      record(op, 0);
      req.socket.destroy();
      return;
    }
    const scopes = this.options.scopes ?? ['repo', 'workflow', 'read:org'];
    const common = { 'x-oauth-scopes': scopes.join(', '), 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' };
    let reply: Reply;
    if (matched.violations.length > 0) {
      this.violations.push(...matched.violations.map((v) => `${method} ${url.pathname} (${op || matched.template}): ${v}`));
      reply = new Reply(422, { message: `fake: request does not match GitHub's OpenAPI description: ${matched.violations.join('; ')}` });
    } else if (fault !== undefined && fault.kind !== 'drop-after') {
      reply = faultReply(fault.kind);
    } else if (!this.apiAuthorised(req.headers.authorization)) {
      reply = new Reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    } else if (NEEDS_SCOPE[op] !== undefined && !scopes.includes(NEEDS_SCOPE[op] ?? '')) {
      reply = new Reply(
        403,
        { message: 'Your token has not been granted the required scopes to execute this query.' },
        { 'x-accepted-oauth-scopes': NEEDS_SCOPE[op] ?? '' },
      );
    } else {
      reply = this.dispatch(op, matched.params, matched.query, (body ?? {}) as Record<string, unknown>, req);
    }
    record(op, fault?.kind === 'drop-after' ? 0 : reply.status);
    if (fault?.kind === 'drop-after') {
      req.socket.destroy();
      return;
    }
    this.send(res, reply, common);
  }

  private send(res: ServerResponse, reply: Reply, common: Record<string, string> = {}): void {
    const headers: Record<string, string> = { ...common, ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply.body));
  }

  private apiAuthorised(header: string | undefined): boolean {
    return header === `token ${this.options.token}` || header === `Bearer ${this.options.token}`;
  }

  private gitAuthorised(header: string | undefined): boolean {
    if (header === undefined || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === this.options.token;
  }

  // ---- the endpoints publish uses ----------------------------------------------------

  private dispatch(op: string, p: Record<string, string>, q: Record<string, string>, body: Record<string, unknown>, req: IncomingMessage): Reply {
    const repo = p.owner !== undefined && p.repo !== undefined ? this.repo(p.owner, p.repo) : undefined;
    const needRepo = (fn: (r: FakeRepo) => Reply): Reply => (repo === undefined ? notFound() : fn(repo));
    const org = p.org !== undefined ? this.accounts.get(p.org.toLowerCase()) : undefined;
    switch (op) {
      case 'users/get-by-username': {
        const account = this.accounts.get((p.username ?? '').toLowerCase());
        return account === undefined ? notFound() : new Reply(200, this.accountJson(account));
      }
      case 'users/get-authenticated':
        return new Reply(200, this.accountJson(this.accounts.get(this.options.user.toLowerCase()) as Account));
      case 'repos/get':
        return needRepo((r) => new Reply(200, this.repoJson(r)));
      case 'repos/create-in-org':
      case 'repos/create-for-authenticated-user': {
        const owner = op === 'repos/create-in-org' ? org : this.accounts.get(this.options.user.toLowerCase());
        if (owner === undefined || (op === 'repos/create-in-org' && owner.type !== 'Organization')) return notFound();
        if (this.repo(owner.login, String(body.name)) !== undefined) {
          return new Reply(422, {
            message: 'Repository creation failed.',
            errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
            documentation_url: 'https://docs.github.com/rest/repos/repos#create-an-organization-repository',
            status: '422',
          });
        }
        return new Reply(201, this.repoJson(this.createRepo(owner, body)));
      }
      case 'repos/update':
        return needRepo((r) => {
          if (typeof body.description === 'string') r.description = body.description;
          if (typeof body.homepage === 'string') r.homepage = body.homepage;
          if (typeof body.visibility === 'string') r.visibility = body.visibility as FakeRepo['visibility'];
          if (typeof body.private === 'boolean') r.visibility = body.private ? 'private' : 'public';
          for (const key of Object.keys(r.settings)) if (typeof body[key] === 'boolean') r.settings[key] = body[key] as boolean;
          return new Reply(200, this.repoJson(r));
        });
      case 'repos/replace-all-topics':
        return needRepo((r) => {
          r.topics = [...new Set((body.names as string[]).map((n) => n.toLowerCase()))];
          return new Reply(200, { names: r.topics });
        });
      case 'repos/list-branches':
        return needRepo((r) =>
          this.page(
            this.branches(r).map((b) => ({ name: b.name, commit: { sha: b.sha, url: '' }, protected: false })),
            q,
            req,
          ),
        );
      case 'repos/get-branch':
        return needRepo((r) => {
          const b = this.branches(r).find((x) => x.name === p.branch);
          return b === undefined ? new Reply(404, { message: 'Branch not found' }) : new Reply(200, { name: b.name, commit: { sha: b.sha }, protected: false });
        });
      case 'repos/get-commit':
        return needRepo((r) => {
          if (this.branches(r).length === 0) return new Reply(409, { message: 'Git Repository is empty.', status: '409' });
          const ref = p.ref ?? '';
          let sha: string;
          try {
            sha = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: r.bareDir, encoding: 'utf8' }).trim();
          } catch {
            return new Reply(422, { message: `No commit found for SHA: ${ref}`, status: '422' });
          }
          return new Reply(200, {
            sha,
            node_id: `C_${sha}`,
            url: `${this.apiUrl}/repos/${r.owner.login}/${r.name}/commits/${sha}`,
            commit: { message: '', tree: { sha: '' } },
            parents: [],
            files: [],
          });
        });
      case 'repos/get-repo-rulesets':
        return needRepo((r) =>
          this.page(
            [...r.rulesets.values()].map((s) => this.rulesetJson(r, s, false)),
            q,
            req,
          ),
        );
      case 'repos/get-repo-ruleset':
        return needRepo((r) => {
          const s = r.rulesets.get(Number(p.ruleset_id));
          return s === undefined ? notFound() : new Reply(200, this.rulesetJson(r, s, true));
        });
      case 'repos/create-repo-ruleset':
        return needRepo((r) => {
          if (this.options.plan === 'free' && r.visibility !== 'public') {
            return new Reply(403, { message: 'Upgrade to GitHub Pro or make this repository public to enable this feature.', status: '403' });
          }
          if ([...r.rulesets.values()].some((s) => s.name === body.name)) {
            return new Reply(422, { message: 'Validation Failed', errors: ['Name must be unique'], status: '422' });
          }
          const s: Ruleset = {
            id: this.id(),
            name: String(body.name),
            target: (body.target as string | undefined) ?? 'branch',
            enforcement: String(body.enforcement),
            bypass_actors: (body.bypass_actors as unknown[] | undefined) ?? [],
            conditions: body.conditions ?? null,
            rules: (body.rules as unknown[] | undefined) ?? [],
            created_at: now(),
            updated_at: now(),
          };
          r.rulesets.set(s.id, s);
          return new Reply(201, this.rulesetJson(r, s, true));
        });
      case 'repos/update-repo-ruleset':
        return needRepo((r) => {
          const s = r.rulesets.get(Number(p.ruleset_id));
          if (s === undefined) return notFound();
          if (typeof body.name === 'string') s.name = body.name;
          if (typeof body.enforcement === 'string') s.enforcement = body.enforcement;
          if (body.conditions !== undefined) s.conditions = body.conditions;
          if (Array.isArray(body.rules)) s.rules = body.rules;
          if (Array.isArray(body.bypass_actors)) s.bypass_actors = body.bypass_actors;
          s.updated_at = now();
          return new Reply(200, this.rulesetJson(r, s, true));
        });
      case 'teams/get-by-name': {
        const team = org?.teams.get(p.team_slug ?? '');
        return team === undefined || org === undefined ? notFound() : new Reply(200, this.teamJson(org, team));
      }
      case 'teams/check-permissions-for-repo-in-org':
        return needRepo((r) => {
          const role = r.teamAccess.get(p.team_slug ?? '');
          if (role === undefined || org?.teams.get(p.team_slug ?? '') === undefined) return notFound();
          if (!String(req.headers.accept ?? '').includes('application/vnd.github.v3.repository+json')) return new Reply(204);
          const levels = ['pull', 'triage', 'push', 'maintain', 'admin'];
          const at = levels.indexOf(role);
          return new Reply(200, { ...this.repoJson(r), role_name: role, permissions: Object.fromEntries(levels.map((l, i) => [l, i <= at])) });
        });
      case 'teams/add-or-update-repo-permissions-in-org':
        return needRepo((r) => {
          if (org?.teams.get(p.team_slug ?? '') === undefined || r.owner !== org) return notFound();
          const permission = (body.permission as string | undefined) ?? 'push';
          if (!['pull', 'triage', 'push', 'maintain', 'admin'].includes(permission)) return new Reply(422, { message: `Unknown permission ${permission}` });
          r.teamAccess.set(p.team_slug ?? '', permission);
          return new Reply(204);
        });
      case 'repos/get-environment':
        return needRepo((r) => {
          const e = r.environments.get(p.environment_name ?? '');
          return e === undefined ? notFound() : new Reply(200, this.environmentJson(r, e));
        });
      case 'repos/create-or-update-environment':
        return needRepo((r) => {
          const name = p.environment_name ?? '';
          const e: Environment = r.environments.get(name) ?? {
            id: this.id(),
            name,
            wait_timer: 0,
            prevent_self_review: false,
            reviewers: [],
            deployment_branch_policy: null,
            branch_policies: [],
            created_at: now(),
            updated_at: now(),
          };
          if (Array.isArray(body.reviewers)) {
            const reviewers = body.reviewers as { type: 'User' | 'Team'; id: number }[];
            const unknown = reviewers.find((x) => !this.reviewerExists(r, x));
            if (unknown !== undefined) return new Reply(422, { message: `Reviewer ${unknown.type} ${unknown.id} not found` });
            e.reviewers = reviewers.map((x) => ({ type: x.type, id: x.id }));
          }
          if (typeof body.wait_timer === 'number') e.wait_timer = body.wait_timer;
          if ('deployment_branch_policy' in body) {
            const policy = body.deployment_branch_policy as Environment['deployment_branch_policy'];
            if (policy !== null && policy.protected_branches === policy.custom_branch_policies) {
              return new Reply(422, { message: 'Exactly one of protected_branches and custom_branch_policies must be true' });
            }
            e.deployment_branch_policy = policy;
            if (policy === null || !policy.custom_branch_policies) e.branch_policies = [];
          }
          e.updated_at = now();
          r.environments.set(name, e);
          return new Reply(200, this.environmentJson(r, e));
        });
      case 'repos/list-deployment-branch-policies':
        return needRepo((r) => {
          const e = r.environments.get(p.environment_name ?? '');
          if (e === undefined) return notFound();
          return new Reply(200, { total_count: e.branch_policies.length, branch_policies: e.branch_policies.map((b) => ({ ...b, node_id: `BP_${b.id}` })) });
        });
      case 'repos/create-deployment-branch-policy':
        return needRepo((r) => {
          const e = r.environments.get(p.environment_name ?? '');
          if (e === undefined || e.deployment_branch_policy?.custom_branch_policies !== true) return notFound();
          const type = (body.type as string | undefined) ?? 'branch';
          const existing = e.branch_policies.find((b) => b.name === body.name && b.type === type);
          if (existing !== undefined) {
            return new Reply(303, undefined, {
              location: `${this.apiUrl}/repos/${r.owner.login}/${r.name}/environments/${e.name}/deployment-branch-policies/${existing.id}`,
            });
          }
          const policy = { id: this.id(), name: String(body.name), type };
          e.branch_policies.push(policy);
          return new Reply(200, { ...policy, node_id: `BP_${policy.id}` });
        });
      case 'repos/get-deployment-branch-policy':
        return needRepo((r) => {
          const policy = r.environments.get(p.environment_name ?? '')?.branch_policies.find((b) => b.id === Number(p.branch_policy_id));
          return policy === undefined ? notFound() : new Reply(200, { ...policy, node_id: `BP_${policy.id}` });
        });
      case 'actions/list-repo-variables':
        return needRepo((r) => {
          const all = [...r.variables.entries()].map(([name, v]) => ({ name, ...v }));
          const paged = this.page(all, q, req);
          return new Reply(200, { total_count: all.length, variables: paged.body }, paged.headers);
        });
      case 'actions/create-repo-variable':
        return needRepo((r) => {
          const name = String(body.name).toUpperCase();
          if (r.variables.has(name)) return new Reply(409, { message: 'Already exists - Variable already exists', status: '409' });
          r.variables.set(name, { value: String(body.value), created_at: now(), updated_at: now() });
          return new Reply(201, {});
        });
      case 'actions/update-repo-variable':
        return needRepo((r) => {
          const name = (p.name ?? '').toUpperCase();
          const v = r.variables.get(name);
          if (v === undefined) return notFound();
          if (typeof body.value === 'string') v.value = body.value;
          v.updated_at = now();
          return new Reply(204);
        });
      default:
        this.violations.push(`${op}: valid per the spec but not implemented by the fake`);
        return new Reply(501, { message: `fake: ${op} not implemented` });
    }
  }

  private reviewerExists(repo: FakeRepo, r: { type: string; id: number }): boolean {
    if (r.type === 'Team') return [...repo.owner.teams.values()].some((t) => t.id === r.id);
    return [...this.accounts.values()].some((a) => a.type === 'User' && a.id === r.id);
  }

  /** page/per_page slicing with a Link header, like GitHub's list endpoints. */
  private page<T>(items: T[], q: Record<string, string>, req: IncomingMessage): Reply {
    const perPage = Math.min(Number(q.per_page ?? 30), 100);
    const page = Number(q.page ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(req.url ?? '/', this.url);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return new Reply(200, slice, headers);
  }

  private accountJson(a: Account) {
    return {
      login: a.login,
      id: a.id,
      node_id: `U_${a.id}`,
      type: a.type,
      site_admin: false,
      url: `${this.url}/users/${a.login}`,
      html_url: `https://github.test/${a.login}`,
    };
  }

  private teamJson(org: Account, t: Team) {
    return {
      id: t.id,
      node_id: `T_${t.id}`,
      slug: t.slug,
      name: t.name,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'pull',
      url: `${this.url}/orgs/${org.login}/teams/${t.slug}`,
      html_url: `https://github.test/orgs/${org.login}/teams/${t.slug}`,
      members_url: '',
      repositories_url: '',
      parent: null,
    };
  }

  repoJson(r: FakeRepo) {
    const branches = this.branches(r);
    return {
      id: r.id,
      node_id: `R_${r.id}`,
      name: r.name,
      full_name: `${r.owner.login}/${r.name}`,
      owner: this.accountJson(r.owner),
      private: r.visibility !== 'public',
      visibility: r.visibility,
      description: r.description,
      homepage: r.homepage,
      topics: r.topics,
      html_url: `https://github.test/${r.owner.login}/${r.name}`,
      url: `${this.url}/repos/${r.owner.login}/${r.name}`,
      clone_url: this.cloneUrl(r),
      default_branch: 'main',
      size: branches.length === 0 ? 0 : 1,
      archived: false,
      disabled: false,
      ...r.settings,
      created_at: r.created_at,
      updated_at: r.created_at,
      pushed_at: r.created_at,
    };
  }

  private rulesetJson(r: FakeRepo, s: Ruleset, full: boolean) {
    const summary = {
      id: s.id,
      name: s.name,
      target: s.target,
      source_type: 'Repository',
      source: `${r.owner.login}/${r.name}`,
      enforcement: s.enforcement,
      node_id: `RRS_${s.id}`,
      created_at: s.created_at,
      updated_at: s.updated_at,
    };
    return full ? { ...summary, bypass_actors: s.bypass_actors, conditions: s.conditions, rules: s.rules, current_user_can_bypass: 'never' } : summary;
  }

  private environmentJson(r: FakeRepo, e: Environment) {
    const rules: unknown[] = [];
    if (e.wait_timer > 0) rules.push({ id: e.id * 10 + 1, node_id: 'GA_w', type: 'wait_timer', wait_timer: e.wait_timer });
    if (e.reviewers.length > 0) {
      rules.push({
        id: e.id * 10 + 2,
        node_id: 'GA_r',
        type: 'required_reviewers',
        prevent_self_review: e.prevent_self_review,
        reviewers: e.reviewers.map((x) => {
          const team = [...r.owner.teams.values()].find((t) => t.id === x.id);
          const user = [...this.accounts.values()].find((a) => a.id === x.id);
          return { type: x.type, reviewer: x.type === 'Team' && team ? this.teamJson(r.owner, team) : user ? this.accountJson(user) : { id: x.id } };
        }),
      });
    }
    if (e.deployment_branch_policy !== null) rules.push({ id: e.id * 10 + 3, node_id: 'GA_b', type: 'branch_policy' });
    return {
      id: e.id,
      node_id: `EN_${e.id}`,
      name: e.name,
      url: `${this.url}/repos/${r.owner.login}/${r.name}/environments/${e.name}`,
      html_url: `https://github.test/${r.owner.login}/${r.name}/deployments/activity_log?environments_filter=${e.name}`,
      created_at: e.created_at,
      updated_at: e.updated_at,
      protection_rules: rules,
      deployment_branch_policy: e.deployment_branch_policy,
    };
  }
}

function faultReply(kind: FaultKind): Reply {
  switch (kind) {
    case 'status500':
      return new Reply(500, { message: 'Server Error' });
    case 'status502':
      return new Reply(502, { message: 'Bad Gateway' });
    case 'rate429':
      return new Reply(429, { message: 'Too Many Requests' }, { 'retry-after': '1' });
    case 'secondary':
      return new Reply(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': '1' });
    case 'primary':
      return new Reply(
        403,
        { message: 'API rate limit exceeded for user ID 1.' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
      );
    default:
      return new Reply(500, { message: 'fake: unexpected fault' });
  }
}
