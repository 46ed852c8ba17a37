import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, formatIssue, type SourceFile } from '../src/config/load.js';
import { syntheticPlatform } from '@paved/testkit/platform';
import { EXAMPLES, editFile, exampleFiles, replaceFile, writeConfig } from './helpers.js';

function problems(files: SourceFile[]): string[] {
  const result = parseConfig(files);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map(formatIssue);
}

const TEAM = (id: string, extra = '') => `id: ${id}
displayName: Team ${id}
group: acme:${id}
environments:
  dev: {}
  prod: {}
services:
  - name: api
    repo: https://git.example.com/acme/${id}-api.git
${extra}`;

describe('loading the example config', () => {
  it('reads platform.yaml and every team file from disk', async () => {
    const result = await loadConfig(EXAMPLES);
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const { platform, teams } = result.config;
    expect(platform.environments.map((env) => env.name)).toEqual(['dev', 'staging', 'prod']);
    expect(teams.map((team) => team.id)).toEqual(['growth-lab', 'payments', 'search']);
    const prod = platform.environments.find((env) => env.name === 'prod')!;
    expect(prod.production).toBe(true);
    expect(prod.autoSync).toBe(false);
    expect(platform.environments[0]!.autoSync).toBe(true);
    const refunds = teams.find((t) => t.id === 'payments')!.services.find((s) => s.name === 'refunds')!;
    expect(refunds.paths).toEqual({
      dev: 'services/refunds/deploy/dev',
      staging: 'services/refunds/deploy/staging',
      prod: 'services/refunds/deploy/production',
    });
    expect(teams.find((t) => t.id === 'search')!.services[0]!.paths.dev).toBe('deploy/overlays/dev');
  });

  it('reports a missing config directory clearly', async () => {
    const result = await loadConfig('/nonexistent/paved-config');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatIssue(result.issues[0]!)).toMatch(/cannot read .*platform\.yaml: pass --config <dir>/);
  });

  it('rejects stray files in teams/', async () => {
    const dir = await writeConfig([...(await exampleFiles()), { path: 'teams/notes.txt', text: 'hello' }]);
    const result = await loadConfig(dir);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map(formatIssue)).toContain('teams/notes.txt:1:1: only <team>.yaml files belong in teams/; rename or move this file');
  });
});

describe('bad configs point at file and line and say what is allowed', () => {
  it('schema errors: unknown field, wrong type, bad enum, bad name, bad repository', async () => {
    const files = replaceFile(
      await exampleFiles(),
      'teams/search.yaml',
      `id: search
displayName: Search
group: acme:search
owner: someone
environments:
  dev: {}
services:
  - name: Indexer
    repo: https://git.example.com/acme/*
  - name: api
    repo: https://git.example.com/acme/api.git
    tier: gold
  - name: web
    repo: https://git.example.com/acme/web.git
    path: ../../etc
`,
    );
    expect(problems(files)).toEqual([
      'teams/search.yaml:4:1: unknown field "owner" in (document); allowed fields: id, displayName, group, environments, services',
      'teams/search.yaml:8:11: services[0].name "Indexer" is not allowed: use lowercase letters, digits and "-", starting with a letter and not ending with "-" (e.g. "payments")',
      'teams/search.yaml:9:11: services[0].repo "https://git.example.com/acme/*" is not allowed: use an https:// or ssh git URL without wildcards, e.g. "https://git.example.com/acme/checkout.git"',
      'teams/search.yaml:12:11: services[1].tier must be one of critical, standard, experimental; got string "gold"',
      'teams/search.yaml:15:11: services[2].path "../../etc" is not allowed: use a relative path inside the repository without "..", e.g. "deploy/overlays/{env}"',
    ]);
  });

  it('platform.yaml: missing fields and invalid quantities', async () => {
    const files = editFile(await exampleFiles(), 'platform.yaml', (text) =>
      text.replace('    argocdNamespace: argocd\n', '').replace('pods: 50 }', 'pods: lots }'),
    );
    const found = problems(files);
    expect(found).toContain('platform.yaml:16:5: environments.dev is missing the required field "argocdNamespace"');
    expect(found).toContain(
      'platform.yaml:20:103: environments.dev.quota.default.pods "lots" is not allowed: use a Kubernetes quantity such as 500m, 2, 4Gi or 20',
    );
  });

  it('YAML syntax errors and duplicate keys', async () => {
    const files = replaceFile(await exampleFiles(), 'teams/search.yaml', 'id: search\nid: again\ndisplayName: [unclosed\n');
    const found = problems(files);
    expect(found[0]).toMatch(/^teams\/search\.yaml:2:1: YAML syntax error: Map keys must be unique/);
    expect(found.some((line) => line.startsWith('teams/search.yaml:4:1: YAML syntax error: Flow sequence'))).toBe(true);
    expect(found.length).toBeGreaterThanOrEqual(2);
  });

  it('duplicate team ids, team id not matching its file, and a shared identity group', async () => {
    const files = [...(await exampleFiles()), { path: 'teams/payments.yml', text: TEAM('payments') }];
    expect(problems(files)).toEqual(['teams/payments.yml:1:5: duplicate team id "payments": already used by teams/payments.yaml:3; team ids must be unique']);
    const sharedGroup = [...(await exampleFiles()), { path: 'teams/shop.yaml', text: TEAM('shop').replace('group: acme:shop', 'group: acme:search') }];
    expect(problems(sharedGroup)).toEqual([
      'teams/shop.yaml:3:8: group "acme:search" is already the identity of team "search" (teams/search.yaml:5); each team needs its own group, otherwise its members could reach the other team\'s namespaces',
    ]);
    const renamed = [...(await exampleFiles()), { path: 'teams/billing.yaml', text: TEAM('invoices') }];
    expect(problems(renamed)).toEqual([
      'teams/billing.yaml:1:5: team id "invoices" does not match the file name; a team\'s file must be teams/invoices.yaml so that ownership of the file is ownership of the team',
    ]);
  });

  it('duplicate services in a team and a repository claimed by two teams', async () => {
    let files = editFile(
      await exampleFiles(),
      'teams/search.yaml',
      (text) =>
        `${text}  - name: indexer\n    repo: https://git.example.com/acme/other.git\n  - name: stolen\n    repo: https://git.example.com/ACME/checkout/\n`,
    );
    expect(problems(files)).toEqual([
      'teams/search.yaml:19:11: duplicate service "indexer": already defined at teams/search.yaml:14; service names must be unique within a team',
      'teams/search.yaml:22:11: repository https://git.example.com/ACME/checkout/ is already claimed by team "payments" (teams/payments.yaml:17); a repository belongs to exactly one team',
    ]);
    // The same repository twice inside one team is a monorepo, which is allowed.
    files = editFile(
      await exampleFiles(),
      'teams/payments.yaml',
      (text) => `${text}  - name: refunds-worker\n    repo: https://git.example.com/acme/payments-monorepo.git\n    path: services/worker/{env}\n`,
    );
    expect(parseConfig(files).ok).toBe(true);
  });

  it("every spelling git accepts for another team's repository is that repository", async () => {
    for (const spelling of [
      'https://git.example.com:443/acme/checkout.git',
      'git@git.example.com:acme/checkout.git',
      'ssh://git@GIT.example.com:22/acme/checkout',
      'https://git.example.com//acme/./checkout.git',
      'https://git.example.com/acme/x/../checkout',
    ]) {
      const files = editFile(await exampleFiles(), 'teams/search.yaml', (text) => `${text}  - name: stolen\n    repo: ${spelling}\n`);
      expect(problems(files), spelling).toEqual([
        `teams/search.yaml:20:11: repository ${spelling} is already claimed by team "payments" (teams/payments.yaml:17); a repository belongs to exactly one team`,
      ]);
    }
  });

  it('refuses a credential in a repository URL, saying why, and never prints it', async () => {
    const files = editFile(
      await exampleFiles(),
      'teams/search.yaml',
      (text) => `${text}  - name: leaky\n    repo: https://bot:ghp_s3cr3tT0ken@git.example.com/acme/leaky.git\n`,
    );
    const found = problems(files);
    expect(found).toEqual([
      'teams/search.yaml:20:11: services[2].repo https://***@git.example.com/acme/leaky.git carries a credential (a user name and password (or token)); remove it: the file is in git for everyone to read, and Argo CD reads repositories with credentials of its own (a repository Secret in its namespace)',
    ]);
    expect(found.join('\n')).not.toContain('s3cr3t');
  });

  it('unknown environments, overlay paths for unused environments, quotas above the maximum', async () => {
    const files = replaceFile(
      await exampleFiles(),
      'teams/search.yaml',
      `id: search
displayName: Search
group: acme:search
environments:
  dev:
    quota:
      requests.cpu: "17"
      limits.memory: 64Gi
      secrets: "10"
  qa: {}
services:
  - name: api
    repo: https://git.example.com/acme/search-api.git
    paths:
      prod: deploy/prod
`,
    );
    expect(problems(files)).toEqual([
      "teams/search.yaml:15:7: paths.prod names an environment the team does not use; the team's environments are: dev, qa",
      'teams/search.yaml:7:21: quota requests.cpu=17 in "dev" is above the platform maximum 16; ask for at most 16, or ask the platform team to raise the maximum',
      'teams/search.yaml:9:7: quota secrets cannot be overridden in "dev": the platform sets no maximum for it; overridable keys: requests.cpu, requests.memory, limits.cpu, limits.memory, pods',
      'teams/search.yaml:10:3: unknown environment "qa"; platform.yaml defines: dev, staging, prod',
    ]);
  });

  it('names outside the naming contract create-service uses too: team id at most 20, service 30, environment 11', async () => {
    const id = 'a'.repeat(21);
    const service = 's'.repeat(31);
    const files = [
      ...(await exampleFiles()),
      { path: `teams/${id}.yaml`, text: TEAM(id).replace('name: api', `name: ${service}`) },
      { path: 'teams/trailing-.yaml', text: TEAM('trailing-') },
    ];
    expect(problems(files)).toEqual([
      `teams/${id}.yaml:1:5: id "${id}" is 21 characters; at most 20 are allowed`,
      `teams/${id}.yaml:8:11: services[0].name "${service}" is 31 characters; at most 30 are allowed`,
      'teams/trailing-.yaml:1:5: id "trailing-" is not allowed: use lowercase letters, digits and "-", starting with a letter and not ending with "-" (e.g. "payments")',
    ]);
  });

  it('an environment name longer than 11 characters, which would push derived names past 63', async () => {
    const files = [
      { path: 'platform.yaml', text: syntheticPlatform(['performance-testing'], 1) },
      { path: 'teams/payments.yaml', text: TEAM('payments').replace('  dev: {}\n  prod: {}', '  performance-testing: {}') },
    ];
    expect(problems(files)).toEqual([
      'platform.yaml:6:3: key "performance-testing" in environments is not allowed: use lowercase letters, digits and "-", starting with a letter and not ending with "-" (e.g. "payments"), at most 11 characters',
    ]);
  });

  it('platform defaults above their own maximum', async () => {
    const files = editFile(await exampleFiles(), 'platform.yaml', (text) => text.replace('default: { requests.cpu: "4"', 'default: { requests.cpu: "40"'));
    expect(problems(files)).toEqual([
      'platform.yaml:21:32: default quota requests.cpu=40 in environment "dev" is above its maximum 16; lower the default or raise quota.max.requests.cpu',
    ]);
  });
});

describe('tenancy: names no team may take', () => {
  it("refuses team ids that are, or would collide with, the cluster's and the platform's own namespaces", async () => {
    for (const [id, reason] of [
      ['kube-system', 'Kubernetes keeps kube-\\* for itself'],
      ['kube', 'Kubernetes keeps kube-\\* for itself'],
      ['default', "Kubernetes' default namespace"],
      ['argocd', 'environment "dev"\'s argocdNamespace \\(platform.yaml\\)'],
      ['cert-manager', "a well-known add-on's namespace"],
    ] as const) {
      const found = problems([...(await exampleFiles()), { path: `teams/${id}.yaml`, text: TEAM(id) }]);
      expect(found, id).toEqual([
        expect.stringMatching(new RegExp(`^teams/${id}\\.yaml:1:5: team id "${id}" is reserved \\(${reason}\\); choose another id$`)),
      ]);
    }
  });

  it("refuses a team whose <team>-<env> namespace is another's: the ingress controller's, or one platform.yaml reserves", async () => {
    // an environment "nginx" would give team "ingress" the ingress controller's namespace
    const withNginx = editFile(await exampleFiles(), 'platform.yaml', (text) =>
      text.replace(
        'environments:\n',
        'reservedNamespaces: [search-staging]\nenvironments:\n  nginx:\n    cluster: { context: nginx }\n    argocdNamespace: argocd\n    ingressNamespace: ingress-nginx\n    quota: { default: { pods: "10" }, max: { pods: "20" } }\n',
      ),
    );
    const found = problems([...withNginx, { path: 'teams/ingress.yaml', text: TEAM('ingress').replace('  dev: {}', '  nginx: {}') }]);
    expect(found).toEqual([
      'teams/ingress.yaml:5:3: namespace "ingress-nginx" (team "ingress" in environment "nginx") is reserved (environment "nginx"\'s ingressNamespace (platform.yaml)); choose another team id',
      expect.stringMatching(
        /^teams\/search\.yaml:\d+:3: namespace "search-staging" \(team "search" in environment "staging"\) is reserved \(listed in platform\.yaml's reservedNamespaces\); choose another team id$/,
      ),
    ]);
  });
});

describe('clashes of derived names', () => {
  it('are reported at both files, naming both, since either may be the one a pull request changed', async () => {
    const withLabDev = editFile(await exampleFiles(), 'platform.yaml', (text) =>
      text.replace(
        'environments:\n',
        'environments:\n  lab-dev:\n    cluster: { context: lab }\n    argocdNamespace: argocd\n    ingressNamespace: ingress-nginx\n    quota: { default: { pods: "10" }, max: { pods: "20" } }\n',
      ),
    );
    const growth = `id: growth\ndisplayName: Growth\ngroup: acme:growth\nenvironments:\n  dev: {}\n  lab-dev: {}\nservices:\n  - name: lab-experiments\n    repo: https://git.example.com/acme/growth.git\n`;
    const found = problems([...withLabDev, { path: 'teams/growth.yaml', text: growth }]);
    const namespace =
      'namespace "growth-lab-dev" would be created twice: for team "growth-lab" in environment "dev" (teams/growth-lab.yaml:7) and for team "growth" in environment "lab-dev" (teams/growth.yaml:6); one of the two team ids must change';
    expect(found).toContain(`teams/growth.yaml:6:3: ${namespace}`);
    expect(found).toContain(`teams/growth-lab.yaml:7:3: ${namespace}`);
    const application = found.filter((line) => line.includes('Argo CD application "growth-lab-experiments-dev" would be created twice'));
    expect(application.map((line) => line.split(':')[0])).toEqual(['teams/growth-lab.yaml', 'teams/growth.yaml']);
  });
});
