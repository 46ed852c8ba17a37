// Schemas of platform.yaml and teams/<team>.yaml. The hints are what a team
// reads when its pull request fails, so they name the rule and an example.

import { NAME_MAX, NAME_PATTERN } from '@paved/naming';
import { QUOTA_KEYS } from './types.js';
import { bool, int, list, map, obj, opt, quantity, req, str, oneOf, type Schema } from './schema.js';

// Team, service and environment names follow the naming contract create-service uses too
// (@paved/naming): its limits keep every derived name (`<team>-<service>-<env>`) within 63.
const DNS_HINT = 'use lowercase letters, digits and "-", starting with a letter and not ending with "-" (e.g. "payments")';

const dnsName = (maxLength: number): Schema => str(NAME_PATTERN, DNS_HINT, maxLength);

// Only https/ssh git URLs, and never glob characters: Argo CD treats "*" in
// sourceRepos as a wildcard, which would let a team deploy from any repository.
const REPO_URL =
  /^(https:\/\/[A-Za-z0-9.-]+(:[0-9]+)?\/[A-Za-z0-9._~/-]+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+|ssh:\/\/[A-Za-z0-9@.-]+(:[0-9]+)?\/[A-Za-z0-9._~/-]+)$/;
const REPO_HINT = 'use an https:// or ssh git URL without wildcards, e.g. "https://git.example.com/acme/checkout.git"';

// Relative paths inside the service repository; no "..", no absolute paths.
const OVERLAY_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._{}/-]+$/;
const PATH_HINT = 'use a relative path inside the repository without "..", e.g. "deploy/overlays/{env}"';

const GROUP = /^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/;
const GROUP_HINT = 'use an identity-provider group such as "acme:payments" (letters, digits and . _ : / @ -)';

const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const PREFIX = /^[A-Za-z0-9._:/@-]*$/;
const SERVER = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._/-]*)?$/;

const quotaSchema: Schema = obj(Object.fromEntries(QUOTA_KEYS.map((key) => [key, opt(quantity)])));
const cpuMemory: Schema = obj({ cpu: req(quantity), memory: req(quantity) });

export const platformSchema: Schema = obj({
  identity: req(
    obj({
      kubernetesGroupPrefix: opt(str(PREFIX, 'use letters, digits and . _ : / @ -, e.g. "oidc:"', 32)),
      argocdGroupPrefix: opt(str(PREFIX, 'use letters, digits and . _ : / @ -', 32)),
      platformGroups: opt(list(str(GROUP, 'use a Kubernetes group such as "system:masters" or "oidc:acme:platform"', 253), 1)),
    }),
  ),
  stacks: opt(obj({ shards: req(int(1, 256)) })),
  environments: req(
    map(
      { pattern: NAME_PATTERN, hint: `${DNS_HINT}, at most ${NAME_MAX.environment} characters`, maxLength: NAME_MAX.environment },
      obj({
        cluster: req(
          obj({
            context: req(str(/^[A-Za-z0-9._@:/-]+$/, 'use a kubeconfig context name', 253)),
            server: opt(str(SERVER, 'use the https:// API server URL as Argo CD knows it, e.g. "https://kubernetes.default.svc"')),
          }),
        ),
        argocdNamespace: req(dnsName(63)),
        ingressNamespace: req(dnsName(63)),
        observabilityNamespace: opt(dnsName(63)),
        production: opt(bool),
        autoSync: opt(bool),
        quota: req(obj({ default: req(quotaSchema), max: req(quotaSchema) })),
        containerLimits: opt(obj({ defaultRequest: req(cpuMemory), default: req(cpuMemory) })),
      }),
    ),
  ),
});

export const teamSchema: Schema = obj({
  id: req(dnsName(NAME_MAX.team)),
  displayName: req(str(/^[^\n\r]{1,80}$/, 'use one line of at most 80 characters')),
  group: req(str(GROUP, GROUP_HINT, 128)),
  environments: req(map({ pattern: NAME_PATTERN, hint: DNS_HINT }, obj({ quota: opt(quotaSchema) }))),
  services: opt(
    list(
      obj({
        name: req(dnsName(NAME_MAX.service)),
        repo: req(str(REPO_URL, REPO_HINT, 512)),
        tier: opt(oneOf(['critical', 'standard', 'experimental'])),
        path: opt(str(OVERLAY_PATH, PATH_HINT, 256)),
        paths: opt(map({ pattern: NAME_PATTERN, hint: 'use an environment name' }, str(OVERLAY_PATH, PATH_HINT, 256))),
        targetRevision: opt(str(REVISION, 'use a branch, tag or commit, e.g. "main"', 128)),
      }),
    ),
  ),
});
