// The JSON Schemas of platform.yaml and teams/<team>.yaml: what the loader checks (with ajv,
// through schema.ts) and what the package ships in schemas/ so editors complete and check
// the files (`# yaml-language-server: $schema=…` at the top of each). The pattern messages
// are what a team reads when its pull request fails, so they name the rule and an example.

import { NAME_MAX, NAME_PATTERN } from '@paved/naming';
import { PATTERN_MESSAGE } from '@paved/frame';
import { QUOTA_KEYS } from './types.js';

type JsonSchema = Record<string, unknown>;

// Team, service and environment names follow the naming contract create-service uses too
// (@paved/naming): its limits keep every derived name (`<team>-<service>-<env>`) within 63.
const DNS_HINT = 'use lowercase letters, digits and "-", starting with a letter and not ending with "-" (e.g. "payments")';

const text = (pattern: RegExp, hint: string, maxLength?: number, description?: string): JsonSchema => ({
  type: 'string',
  ...(description ? { description } : {}),
  pattern: pattern.source,
  [PATTERN_MESSAGE]: hint,
  ...(maxLength ? { maxLength } : {}),
});
const dnsName = (maxLength: number, description: string): JsonSchema => text(NAME_PATTERN, DNS_HINT, maxLength, description);
const object = (properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
});
/** A mapping whose keys follow `key` (e.g. environment names) and whose values are `value`. */
const keyed = (key: JsonSchema, value: JsonSchema, description: string): JsonSchema => ({
  type: 'object',
  description,
  propertyNames: key,
  additionalProperties: value,
});
const flag = (description: string): JsonSchema => ({ type: 'boolean', description });

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

/** The format name of a Kubernetes quantity ("500m", "4Gi", "20"); schema.ts gives its test. */
export const QUANTITY_FORMAT = 'k8s-quantity';
const QUANTITY_HINT = 'use a Kubernetes quantity such as 500m, 2, 4Gi or 20';
// Numbers too: YAML reads `pods: 20` as a number.
const quantity: JsonSchema = { type: ['string', 'number'], format: QUANTITY_FORMAT, minimum: 0, [PATTERN_MESSAGE]: QUANTITY_HINT };
const quota = (description: string): JsonSchema => object(Object.fromEntries(QUOTA_KEYS.map((key) => [key, quantity])), [], description);
const cpuMemory: JsonSchema = object({ cpu: quantity, memory: quantity }, ['cpu', 'memory']);
const environmentKey = (maxLength?: number, hint = DNS_HINT): JsonSchema => ({
  type: 'string',
  pattern: NAME_PATTERN.source,
  [PATTERN_MESSAGE]: maxLength === undefined ? hint : `${hint}, at most ${maxLength} characters`,
  ...(maxLength === undefined ? {} : { maxLength }),
});

// draft-07: what ajv checks by default and what editors' YAML support reads
const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

export const platformSchema: JsonSchema = {
  $schema: SCHEMA_DRAFT,
  $id: 'platform.schema.json',
  title: 'platform.yaml',
  description: "Paved's platform-wide settings, owned by the platform team: identity prefixes, environments and their clusters, quota defaults and maximums.",
  ...object(
    {
      identity: object(
        {
          kubernetesGroupPrefix: text(
            PREFIX,
            'use letters, digits and . _ : / @ -, e.g. "oidc:"',
            32,
            "The prefix the API server's OIDC authenticator puts on group claims",
          ),
          argocdGroupPrefix: text(PREFIX, 'use letters, digits and . _ : / @ -', 32, "The prefix Argo CD's SSO puts on group claims"),
          platformGroups: {
            type: 'array',
            description: 'Groups that administer every team namespace',
            items: text(GROUP, 'use a Kubernetes group such as "system:masters" or "oidc:acme:platform"', 253),
            minItems: 1,
          },
        },
        [],
        'How group claims are spelled for Kubernetes and Argo CD',
      ),
      stacks: object({ shards: { type: 'integer', minimum: 1, maximum: 256, description: 'Pulumi stacks per environment; teams are spread over them' } }, [
        'shards',
      ]),
      reservedNamespaces: {
        type: 'array',
        description:
          "Namespaces no team may get (as <team>-<env>), beyond Kubernetes' own (kube-*, default), the namespaces this file names and well-known add-ons' (monitoring, cert-manager, ...)",
        items: text(NAME_PATTERN, 'use a namespace name: lowercase letters, digits and "-"', 63),
      },
      environments: keyed(
        environmentKey(NAME_MAX.environment),
        object(
          {
            cluster: object(
              {
                context: text(/^[A-Za-z0-9._@:/-]+$/, 'use a kubeconfig context name', 253, 'The kubeconfig context Pulumi deploys with'),
                server: text(
                  SERVER,
                  'use the https:// API server URL as Argo CD knows it, e.g. "https://kubernetes.default.svc"',
                  undefined,
                  'The API server URL as Argo CD knows it',
                ),
              },
              ['context'],
            ),
            argocdNamespace: dnsName(63, "Argo CD's namespace in this environment's cluster"),
            ingressNamespace: dnsName(63, "The ingress controller's namespace (allowed in by the network policies)"),
            observabilityNamespace: dnsName(63, 'The namespace that scrapes metrics (allowed in by the network policies)'),
            production: flag('A production environment (stricter guardrails)'),
            autoSync: flag('Argo CD syncs on its own (otherwise a person presses sync)'),
            quota: object(
              { default: quota('What a team namespace gets unless its team file asks for other values'), max: quota('The most a team may ask for') },
              ['default', 'max'],
            ),
            containerLimits: object(
              { defaultRequest: cpuMemory, default: cpuMemory },
              ['defaultRequest', 'default'],
              'LimitRange defaults for containers that state none',
            ),
          },
          ['cluster', 'argocdNamespace', 'ingressNamespace', 'quota'],
        ),
        'Environments in rollout order (e.g. dev, staging, prod)',
      ),
    },
    ['identity', 'environments'],
  ),
};

export const teamSchema: JsonSchema = {
  $schema: SCHEMA_DRAFT,
  $id: 'team.schema.json',
  title: 'teams/<team>.yaml',
  description:
    "A team's own file: its identity-provider group, the environments it gets (with quota overrides) and the services Argo CD deploys for it. Owned by the team; changed in a pull request.",
  ...object(
    {
      id: dnsName(NAME_MAX.team, `The team's id, part of every name derived for it (at most ${NAME_MAX.team} characters)`),
      displayName: text(/^[^\n\r]{1,80}$/, 'use one line of at most 80 characters', undefined, 'How people name the team'),
      group: text(GROUP, GROUP_HINT, 128, "The identity-provider group whose members are the team's people"),
      environments: keyed(
        environmentKey(),
        // `dev:` with nothing after it is an environment with no overrides, as `dev: {}` is
        { ...object({ quota: quota("Quota overrides, within the platform's maximum") }), type: ['object', 'null'] },
        'The environments the team gets, each by a name platform.yaml defines',
      ),
      services: {
        type: 'array',
        description: 'The services Argo CD deploys for the team',
        items: object(
          {
            name: dnsName(NAME_MAX.service, `The service's name (at most ${NAME_MAX.service} characters)`),
            repo: text(REPO_URL, REPO_HINT, 512, "The service's git repository"),
            tier: { enum: ['critical', 'standard', 'experimental'], description: 'How critical the service is' },
            path: text(OVERLAY_PATH, PATH_HINT, 256, 'The overlay path in the repository; {env} stands for the environment (default: deploy/overlays/{env})'),
            paths: keyed(
              environmentKey(undefined, 'use an environment name'),
              text(OVERLAY_PATH, PATH_HINT, 256),
              'Overlay paths of single environments, overriding path',
            ),
            targetRevision: text(REVISION, 'use a branch, tag or commit, e.g. "main"', 128, 'The branch, tag or commit Argo CD deploys (default: HEAD)'),
          },
          ['name', 'repo'],
        ),
      },
    },
    ['id', 'displayName', 'group', 'environments'],
  ),
};
