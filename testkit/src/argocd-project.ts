/**
 * Decides, the way Argo CD v3 does, whether an AppProject permits an Application and each object
 * the Application would sync. There is no Argo CD controller where our platform tests run, so they
 * ask this module instead and apply only what Argo CD would apply.
 *
 * The behaviour (not the code) follows argo-cd v3.6.2:
 * - pkg/apis/application/v1alpha1/app_project_types.go: IsSourcePermitted, isDestinationMatched,
 *   IsGroupKindNamePermitted, globMatch, IsAppNamespacePermitted
 * - pkg/apis/application/v1alpha1/types.go: isResourceInList, isNamedResourceInList, GetProject,
 *   GetSource/HasMultipleSources, SourceHydrator.GetSyncSource
 * - util/git/git.go: NormalizeGitURL; util/glob: Match (github.com/gobwas/glob v1.0.0),
 *   MatchStringInList
 * - util/argo/argo.go: ValidatePermissions, GetDestinationServer
 * - controller/sync.go: validateSyncPermissions; controller/state.go: NormalizeTargetObjects
 *
 * Not modelled: global projects, sync windows, signature keys, roles, and the controller's
 * --application-namespaces flag (only the project's sourceNamespaces is checked).
 *
 * Inputs are read loosely (`unknown`) because tests load them from YAML.
 */

import { isIPv6 } from 'node:net';

/** Whether Argo CD would allow something, and why, worded for a platform engineer. */
export interface ProjectDecision {
  allowed: boolean;
  reason: string;
}

/** An Application destination, or where one object would land (server and/or cluster name). */
export interface ProjectDestination {
  server?: string;
  name?: string;
  namespace?: string;
}

/** The part of a manifest object that AppProject rules look at. */
export interface SyncObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** One line of evaluateSync's verdict: `Kind/namespace/name` (namespace empty when cluster-scoped). */
export interface SyncObjectDecision {
  object: string;
  decision: ProjectDecision;
}

/** A cluster registered with Argo CD; `project` set makes it project-scoped. */
export interface ArgoCluster {
  name: string;
  server: string;
  project?: string;
}

export interface EvaluateSyncOptions {
  /**
   * Clusters Argo CD knows. Argo CD resolves an Application's destination to one of them (name to
   * server or server to name) before matching it, and refuses a destination it cannot resolve.
   * Default: only the built-in in-cluster.
   */
  clusters?: readonly ArgoCluster[];
  /** Namespace Argo CD runs in: Applications there skip the sourceNamespaces check. Default `argocd`. */
  controllerNamespace?: string;
}

/** The cluster every Argo CD install registers for the cluster it runs in. */
export const IN_CLUSTER: ArgoCluster = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };

const DEFAULT_PROJECT = 'default';
const DEFAULT_CONTROLLER_NAMESPACE = 'argocd';

// ---------------------------------------------------------------------------------------------
// Reading loosely typed YAML

type Dict = Readonly<Record<string, unknown>>;

function asDict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = asDict(current)?.[key];
  return current;
}

/** Go decodes a missing or non-string field as "", so every comparison sees "" there too. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Undefined when the field is absent or null: Argo CD tells "not set" apart from "set to []". */
function list(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

interface KindRule {
  group: string;
  kind: string;
  name: string;
}

interface DestinationRule {
  server: string;
  name: string;
  namespace: string;
}

interface ProjectView {
  name: string;
  sourceRepos: string[];
  destinations: DestinationRule[];
  clusterWhitelist: KindRule[];
  clusterBlacklist: KindRule[];
  /** Undefined when absent: only then are all namespaced kinds allowed. */
  namespaceWhitelist: KindRule[] | undefined;
  namespaceBlacklist: KindRule[];
  sourceNamespaces: string[];
  permitOnlyProjectScopedClusters: boolean;
}

function kindRules(value: unknown): KindRule[] {
  return (list(value) ?? []).map((item) => ({
    group: text(at(item, 'group')),
    kind: text(at(item, 'kind')),
    name: text(at(item, 'name')),
  }));
}

function readProject(project: unknown): ProjectView {
  const spec = at(project, 'spec');
  const namespaceWhitelist = list(at(spec, 'namespaceResourceWhitelist'));
  return {
    name: text(at(project, 'metadata', 'name')),
    sourceRepos: (list(at(spec, 'sourceRepos')) ?? []).map(text),
    destinations: (list(at(spec, 'destinations')) ?? []).map((item) => ({
      server: text(at(item, 'server')),
      name: text(at(item, 'name')),
      namespace: text(at(item, 'namespace')),
    })),
    clusterWhitelist: kindRules(at(spec, 'clusterResourceWhitelist')),
    clusterBlacklist: kindRules(at(spec, 'clusterResourceBlacklist')),
    namespaceWhitelist: namespaceWhitelist === undefined ? undefined : kindRules(namespaceWhitelist),
    namespaceBlacklist: kindRules(at(spec, 'namespaceResourceBlacklist')),
    sourceNamespaces: (list(at(spec, 'sourceNamespaces')) ?? []).map(text),
    permitOnlyProjectScopedClusters: at(spec, 'permitOnlyProjectScopedClusters') === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Globs
//
// Argo CD uses two glob dialects, and we implement each one completely (translated to a RegExp)
// because a subset would permit or refuse differently from Argo CD on the patterns it leaves out:
//
// - gobwas/glob v1.0.0 (util/glob) for sourceRepos, destinations and sourceNamespaces: `*` (any run
//   of non-separator characters), `**` (any run), `?` (one non-separator character), `[abc]`,
//   `[a-z]` and `[!...]` (a class is either one range or one set, never both), `{a,b}` (nestable
//   alternatives), `\` escapes. Only sourceRepos passes a separator, `/`, so there `*` stays within
//   one path segment and `**` crosses them. Classes match separators.
// - Go's path/filepath.Match for group, kind and (cluster rules) name: `*`, `?` (not across `/`),
//   `[a-z0-9]` and `[^...]` classes mixing ranges and characters, `\` escapes, no braces.
//
// A malformed pattern never matches in either dialect (Argo CD logs and moves on).

type GlobDialect = 'gobwas' | 'filepath';

const compiledGlobs = new Map<string, RegExp | null>();

/** Escapes a character for use outside a class in a `u`-flag RegExp. */
function literalChar(c: string): string {
  return '^$\\.*+?()[]{}|/'.includes(c) ? `\\${c}` : c;
}

/** Escapes a character for use inside a class in a `u`-flag RegExp. */
function classChar(c: string): string {
  return '\\]^-['.includes(c) ? `\\${c}` : c;
}

function codePoint(c: string): number {
  return c.codePointAt(0) ?? 0;
}

interface ClassParse {
  regex: string;
  next: number;
}

/** gobwas: after `[`, an optional `!`, then either `lo-hi]` or a non-empty escaped set up to `]`. */
function gobwasClass(chars: readonly string[], start: number): ClassParse | undefined {
  const not = chars[start] === '!';
  const i = not ? start + 1 : start;
  const caret = not ? '^' : '';
  const lo = chars[i];
  if (lo === undefined) return undefined;
  if (chars[i + 1] === '-') {
    const hi = chars[i + 2];
    if (hi === undefined || chars[i + 3] !== ']' || codePoint(hi) < codePoint(lo)) return undefined;
    return { regex: `[${caret}${classChar(lo)}-${classChar(hi)}]`, next: i + 4 };
  }
  const set: string[] = [];
  let j = i;
  for (; j < chars.length && chars[j] !== ']'; j++) {
    if (chars[j] === '\\') j++;
    const c = chars[j];
    if (c === undefined) return undefined;
    set.push(classChar(c));
  }
  if (j >= chars.length || set.length === 0) return undefined;
  return { regex: `[${caret}${set.join('')}]`, next: j + 1 };
}

function gobwasRegex(pattern: string, separators: string): string | undefined {
  const chars = Array.from(pattern);
  const single = separators === '' ? '[^]' : `[^${Array.from(separators).map(classChar).join('')}]`;
  let out = '';
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '{') {
      depth++;
      out += '(?:';
    } else if (depth > 0 && c === ',') {
      out += '|';
    } else if (depth > 0 && c === '}') {
      depth--;
      out += ')';
    } else if (c === '[') {
      const parsed = gobwasClass(chars, i + 1);
      if (!parsed) return undefined;
      out += parsed.regex;
      i = parsed.next - 1;
    } else if (c === '?') {
      out += single;
    } else if (c === '*') {
      const superStar = chars[i + 1] === '*';
      out += superStar ? '[^]*' : `${single}*`;
      if (superStar) i++;
    } else if (c === '\\') {
      const escaped = chars[++i];
      if (escaped === undefined) return undefined;
      out += literalChar(escaped);
    } else {
      out += literalChar(c);
    }
  }
  return depth === 0 ? out : undefined;
}

/** filepath.Match's getEsc: one class character, `\`-escaped or not; `-` and `]` must be escaped. */
function filepathClassChar(chars: readonly string[], i: number): { c: string; next: number } | undefined {
  const first = chars[i];
  if (first === undefined || first === '-' || first === ']') return undefined;
  if (first !== '\\') return { c: first, next: i + 1 };
  const escaped = chars[i + 1];
  return escaped === undefined ? undefined : { c: escaped, next: i + 2 };
}

/** filepath.Match: after `[`, an optional `^`, then one or more `c` or `lo-hi` items up to `]`. */
function filepathClass(chars: readonly string[], start: number): ClassParse | undefined {
  const negated = chars[start] === '^';
  let i = negated ? start + 1 : start;
  const items: string[] = [];
  for (let count = 0; !(chars[i] === ']' && count > 0); count++) {
    const lo = filepathClassChar(chars, i);
    if (!lo) return undefined;
    let hi = lo;
    if (chars[lo.next] === '-') {
      const parsedHi = filepathClassChar(chars, lo.next + 1);
      if (!parsedHi) return undefined;
      hi = parsedHi;
    }
    i = hi.next;
    // Go accepts an inverted range and simply never matches it; a RegExp would throw.
    if (codePoint(lo.c) <= codePoint(hi.c)) items.push(`${classChar(lo.c)}-${classChar(hi.c)}`);
  }
  return { regex: `[${negated ? '^' : ''}${items.join('')}]`, next: i + 1 };
}

function filepathRegex(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const parsed = filepathClass(chars, i + 1);
      if (!parsed) return undefined;
      out += parsed.regex;
      i = parsed.next - 1;
    } else if (c === '\\') {
      const escaped = chars[++i];
      if (escaped === undefined) return undefined;
      out += literalChar(escaped);
    } else {
      out += literalChar(c);
    }
  }
  return out;
}

function compileGlob(dialect: GlobDialect, pattern: string, separators: string): RegExp | null {
  const key = `${dialect}\u0000${separators}\u0000${pattern}`;
  const cached = compiledGlobs.get(key);
  if (cached !== undefined) return cached;
  const source = dialect === 'gobwas' ? gobwasRegex(pattern, separators) : filepathRegex(pattern);
  const compiled = source === undefined ? null : new RegExp(`^(?:${source})$`, 'u');
  compiledGlobs.set(key, compiled);
  return compiled;
}

function gobwasMatch(pattern: string, value: string, separators = ''): boolean {
  return compileGlob('gobwas', pattern, separators)?.test(value) ?? false;
}

function filepathMatch(pattern: string, value: string): boolean {
  return compileGlob('filepath', pattern, '')?.test(value) ?? false;
}

function isDenyPattern(pattern: string): boolean {
  return pattern.startsWith('!');
}

/**
 * Argo CD's globMatch: `!p` matches whatever p does not (so a malformed p matches everything), and
 * a bare `*` matches anything even where separators would stop a `*` glob.
 */
function argoGlobMatch(pattern: string, value: string, separators = ''): boolean {
  if (isDenyPattern(pattern)) return !gobwasMatch(pattern.slice(1), value, separators);
  return pattern === '*' || gobwasMatch(pattern, value, separators);
}

// ---------------------------------------------------------------------------------------------
// Repository URL normalisation (util/git NormalizeGitURL)
//
// NormalizeGitURL ends with Go's url.Parse then URL.String. That round trip is the identity for
// ordinary URLs but not for odd ones, and the difference decides matches: a sourceRepos path with
// `{a,b}` comes back as `%7Ba,b%7D` (so brace alternatives never match there), and anything Parse
// rejects (bad port, bad `%`, colon in a scheme-less first segment) becomes "", which only an
// entry that also normalises to "" (or a bare `*`) matches. We reproduce that round trip.

const SSH_URL = /^(ssh:\/\/)?([^/:]*?)@[^@]+$/;
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

// Per net/url mode, the ASCII characters escape() leaves alone, and (validEncoded) the ones a raw
// path or fragment may contain for URL.String to keep it verbatim.
const KEEP_PATH = /^[A-Za-z0-9\-_.~$&+,/:;=@]$/;
const VALID_PATH = /^[A-Za-z0-9\-_.~$&+,/:;=@!'()*[\]%]$/;
const KEEP_FRAGMENT = /^[A-Za-z0-9\-_.~$&+,/:;=?@!()*]$/;
const VALID_FRAGMENT = /^[A-Za-z0-9\-_.~$&+,/:;=?@!()*'[\]%]$/;
const KEEP_USERINFO = /^[A-Za-z0-9\-_.~$&+,;=]$/;
const VALID_USERINFO = /^[A-Za-z0-9\-_.:~!$&'()*+,;=%@]$/;
const KEEP_HOST = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;

/** net/url unescape: undefined where a `%` is not followed by two hex digits. */
function goUnescape(s: string, isHost = false): Uint8Array | undefined {
  const raw = new TextEncoder().encode(s);
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] ?? 0;
    if (byte !== 0x25) {
      if (isHost && byte < 0x80 && !KEEP_HOST.test(String.fromCharCode(byte))) return undefined;
      bytes.push(byte);
      continue;
    }
    const hex = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
    if (!HEX_PAIR.test(hex)) return undefined;
    // A host may percent-encode only non-ASCII bytes, and `%25`.
    if (isHost && parseInt(hex[0] ?? '0', 16) < 8 && hex !== '25') return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return Uint8Array.from(bytes);
}

function goEscape(bytes: Uint8Array, keep: RegExp): string {
  return Array.from(bytes, (byte) => {
    const c = String.fromCharCode(byte);
    return byte < 0x80 && keep.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** URL.EscapedPath / EscapedFragment: the raw text when it is validly encoded, else re-escaped. */
function goEscapedRaw(raw: string, keep: RegExp, valid: RegExp): string | undefined {
  const decoded = goUnescape(raw);
  if (!decoded) return undefined;
  return Array.from(raw).every((c) => valid.test(c)) ? raw : goEscape(decoded, keep);
}

function goValidPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort);
}

/** A bracketed host must hold an IPv6 address (parseHost's IP-literal branch). */
function goBracketHost(host: string): string | undefined {
  const close = host.lastIndexOf(']');
  if (close < 0 || !goValidPort(host.slice(close + 1))) return undefined;
  const inside = goUnescape(host.slice(1, close));
  if (!inside || !isIPv6(new TextDecoder().decode(inside))) return undefined;
  const port = new TextEncoder().encode(host.slice(close + 1));
  return goEscape(Uint8Array.from([0x5b, ...inside, 0x5d, ...port]), KEEP_HOST);
}

/**
 * parseHost then escape(host, encodeHost); undefined where Parse fails. For http(s) the port starts
 * at the first colon (Go 1.26 strict colons), elsewhere at the last.
 */
function goHost(scheme: string, host: string): string | undefined {
  const open = host.lastIndexOf('[');
  if (open > 0) return undefined;
  if (open === 0) return goBracketHost(host);
  const strictColons = scheme === 'http' || scheme === 'https';
  const portFrom = strictColons ? host.indexOf(':') : host.lastIndexOf(':');
  if (portFrom >= 0 && !goValidPort(host.slice(portFrom))) return undefined;
  const decoded = goUnescape(host, true);
  return decoded && goEscape(decoded, KEEP_HOST);
}

/** parseAuthority then User.String: `user[:password]@` with both parts re-escaped. */
function goUserinfo(userinfo: string): string | undefined {
  if (!Array.from(userinfo).every((c) => VALID_USERINFO.test(c))) return undefined;
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  const escaped = parts.map((part) => {
    const decoded = goUnescape(part);
    return decoded && goEscape(decoded, KEEP_USERINFO);
  });
  return escaped.some((part) => part === undefined) ? undefined : `${escaped.join(':')}@`;
}

/** getScheme: undefined for a leading `:` (missing protocol scheme). */
function goScheme(url: string): { scheme: string; rest: string } | undefined {
  for (let i = 0; i < url.length; i++) {
    const c = url[i] ?? '';
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c) && i > 0) continue;
    if (c === ':') return i === 0 ? undefined : { scheme: url.slice(0, i).toLowerCase(), rest: url.slice(i + 1) };
    break;
  }
  return { scheme: '', rest: url };
}

/** Splits off the query the way parse does; the query itself is written back verbatim. */
function goSplitQuery(rest: string): { beforeQuery: string; query: string } {
  const at = rest.indexOf('?');
  return at < 0 ? { beforeQuery: rest, query: '' } : { beforeQuery: rest.slice(0, at), query: rest.slice(at) };
}

/** parseAuthority then String: `//userinfo@host`, or "" when there is nothing to write. */
function goAuthority(scheme: string, authority: string, path: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const host = goHost(scheme, authority.slice(at + 1));
  const user = at < 0 ? '' : goUserinfo(authority.slice(0, at));
  if (host === undefined || user === undefined) return undefined;
  return host !== '' || path !== '' || at >= 0 ? `//${user}${host}` : '';
}

/** Splits `//authority/path`; a scheme-less `///` starts a path, not an authority. */
function goSplitAuthority(scheme: string, beforeQuery: string): { authority: string | undefined; path: string } {
  if (!beforeQuery.startsWith('//') || (scheme === '' && beforeQuery.startsWith('///'))) {
    return { authority: undefined, path: beforeQuery };
  }
  const slash = beforeQuery.indexOf('/', 2);
  return slash < 0 ? { authority: beforeQuery.slice(2), path: '' } : { authority: beforeQuery.slice(2, slash), path: beforeQuery.slice(slash) };
}

/** url.Parse then URL.String for the part before `#`; undefined where Parse fails. */
function goRoundTripBeforeFragment(url: string): string | undefined {
  const parsedScheme = goScheme(url);
  if (!parsedScheme) return undefined;
  const { scheme, rest } = parsedScheme;
  const { beforeQuery, query } = goSplitQuery(rest);
  const schemePart = scheme === '' ? '' : `${scheme}:`;
  if (!beforeQuery.startsWith('/')) {
    // `scheme:opaque` is written back untouched; without a scheme the colon is an error.
    if (scheme !== '') return schemePart + beforeQuery + query;
    if ((beforeQuery.split('/')[0] ?? '').includes(':')) return undefined;
  }
  const { authority, path } = goSplitAuthority(scheme, beforeQuery);
  const authorityPart = authority === undefined ? '' : goAuthority(scheme, authority, path);
  const escapedPath = goEscapedRaw(path, KEEP_PATH, VALID_PATH);
  if (authorityPart === undefined || escapedPath === undefined) return undefined;
  return schemePart + authorityPart + escapedPath + query;
}

function goURLRoundTrip(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  // Parse rejects control characters before the `#` only; the fragment gets them escaped.
  const before = CONTROL_CHARACTER.test(beforeHash) ? undefined : goRoundTripBeforeFragment(beforeHash);
  const fragment = hash < 0 ? '' : goEscapedRaw(url.slice(hash + 1), KEEP_FRAGMENT, VALID_FRAGMENT);
  if (before === undefined || fragment === undefined) return '';
  return fragment === '' ? before : `${before}#${fragment}`;
}

/**
 * The form Argo CD compares repository URLs in: trimmed, lowercased, `git@host:path` rewritten to
 * `git@host/path`, one trailing `.git` removed, passed through Go's url.Parse/String, `ssh://`
 * dropped. A trailing `/` is kept, so `https://github.com/acme/app/` and
 * `https://github.com/acme/app` are different repos to Argo CD.
 */
export function normalizeRepoURL(repoURL: string): string {
  let url = repoURL.trim().toLowerCase();
  if (SSH_URL.test(url) && !url.startsWith('ssh://')) url = `ssh://${url.replace(':', '/')}`;
  if (url.endsWith('.git')) url = url.slice(0, -'.git'.length);
  url = goURLRoundTrip(url);
  return url.startsWith('ssh://') ? url.slice('ssh://'.length) : url;
}

// ---------------------------------------------------------------------------------------------
// Decisions

function permit(reason: string): ProjectDecision {
  return { allowed: true, reason };
}

function refuse(reason: string): ProjectDecision {
  return { allowed: false, reason };
}

function projectLabel(project: ProjectView): string {
  return `AppProject ${project.name || '(unnamed)'}`;
}

/**
 * Whether the AppProject's sourceRepos admit a repository, as IsSourcePermitted decides: entries are
 * globs (`/` separates, `**` crosses it, bare `*` admits anything) compared after normalisation; a
 * `!` entry refuses every repo it matches whatever other entries say. Like Argo CD (whose docs say
 * otherwise), a `!` entry also admits every repo it does not match, so `['!x']` alone admits all but x.
 */
export function isSourcePermitted(project: unknown, repoURL: string): ProjectDecision {
  const view = readProject(project);
  const subject = `${projectLabel(view)} does not permit source repo ${repoURL}`;
  const normalized = normalizeRepoURL(repoURL);
  let admittedBy: string | undefined;
  for (const entry of view.sourceRepos) {
    const pattern = isDenyPattern(entry) ? `!${normalizeRepoURL(entry.slice(1))}` : normalizeRepoURL(entry);
    const matched = argoGlobMatch(pattern, normalized, '/');
    if (!matched && isDenyPattern(pattern)) return refuse(`${subject}: it matches the deny entry '${entry}' in sourceRepos`);
    if (matched) admittedBy ??= entry;
  }
  if (admittedBy !== undefined) {
    const how = isDenyPattern(admittedBy)
      ? `the deny entry '${admittedBy}' in sourceRepos admits every repo it does not match`
      : `sourceRepos entry '${admittedBy}'`;
    return permit(`${projectLabel(view)} permits source repo ${repoURL} (${how})`);
  }
  return refuse(
    view.sourceRepos.length === 0 ? `${subject}: sourceRepos is empty` : `${subject}: no sourceRepos entry matches it (compared as '${normalized}')`,
  );
}

function describeDestination(destination: ProjectDestination): string {
  const parts = [
    destination.server ? `server ${destination.server}` : '',
    destination.name ? `cluster ${destination.name}` : '',
    `namespace ${destination.namespace || "''"}`,
  ];
  return parts.filter((part) => part !== '').join(', ');
}

function describeRule(rule: DestinationRule): string {
  const fields = (['server', 'name', 'namespace'] as const).filter((key) => rule[key] !== '');
  return `{${fields.map((key) => `${key}: '${rule[key]}'`).join(', ')}}`;
}

interface Target {
  server: string;
  name: string;
  namespace: string;
}

/**
 * One destinations entry against a target, as isDestinationMatched weighs it: `matched` admits the
 * target, `denied` vetoes it outright (a `!` server or name that matches the cluster, or a `!`
 * namespace on an entry whose server matches).
 */
function weighDestinationRule(rule: DestinationRule, target: Target): 'matched' | 'denied' | 'neutral' {
  const nameMatched = target.name !== '' && argoGlobMatch(rule.name, target.name);
  const serverMatched = target.server !== '' && argoGlobMatch(rule.server, target.server);
  const namespaceMatched = argoGlobMatch(rule.namespace, target.namespace);
  if (namespaceMatched) {
    if (isDenyPattern(rule.name) && target.name !== '' && gobwasMatch(rule.name.slice(1), target.name)) return 'denied';
    if (isDenyPattern(rule.server) && target.server !== '' && gobwasMatch(rule.server.slice(1), target.server)) return 'denied';
  }
  if ((serverMatched || nameMatched) && namespaceMatched) return 'matched';
  const clusterDenied = (!nameMatched && isDenyPattern(rule.name)) || (!serverMatched && isDenyPattern(rule.server));
  if (clusterDenied && namespaceMatched) return 'denied';
  if (!namespaceMatched && isDenyPattern(rule.namespace) && serverMatched) return 'denied';
  return 'neutral';
}

/**
 * Whether the AppProject's destinations admit a cluster and namespace, as isDestinationMatched
 * decides. server, name and namespace entries are globs without separators; `!` entries deny.
 * Argo CD resolves an Application's destination to a registered cluster first, so it always has
 * both server and name; give both here when you know them (evaluateSync does this for you).
 */
export function isDestinationPermitted(project: unknown, destination: ProjectDestination): ProjectDecision {
  const view = readProject(project);
  const target: Target = { server: destination.server ?? '', name: destination.name ?? '', namespace: destination.namespace ?? '' };
  const subject = `${projectLabel(view)} does not permit destination ${describeDestination(destination)}`;
  let admittedBy: DestinationRule | undefined;
  for (const rule of view.destinations) {
    const weight = weighDestinationRule(rule, target);
    if (weight === 'denied') return refuse(`${subject}: the destinations entry ${describeRule(rule)} denies it`);
    if (weight === 'matched') admittedBy ??= rule;
  }
  if (admittedBy)
    return permit(`${projectLabel(view)} permits destination ${describeDestination(destination)} (destinations entry ${describeRule(admittedBy)})`);
  return refuse(view.destinations.length === 0 ? `${subject}: destinations is empty` : `${subject}: no destinations entry matches it`);
}

function describeKind(group: string, kind: string): string {
  return `${kind} (${group === '' ? 'core' : group})`;
}

function describeKindRule(rule: KindRule): string {
  const name = rule.name === '' ? '' : `, name '${rule.name}'`;
  return `{group: '${rule.group}', kind: '${rule.kind}'${name}}`;
}

/** isResourceInList / isNamedResourceInList: a rule without a name matches every name. */
function findKindRule(rules: readonly KindRule[], group: string, kind: string, name: string): KindRule | undefined {
  return rules.find((rule) => filepathMatch(rule.kind, kind) && filepathMatch(rule.group, group) && (rule.name === '' || filepathMatch(rule.name, name)));
}

function namespacedKindDecision(view: ProjectView, group: string, kind: string): ProjectDecision {
  const subject = `${projectLabel(view)} does not permit ${describeKind(group, kind)}`;
  const whitelist = view.namespaceWhitelist;
  if (whitelist !== undefined && whitelist.length === 0) {
    return refuse(`${subject}: namespaceResourceWhitelist is set to an empty list, which permits no namespaced kind`);
  }
  if (whitelist !== undefined && !findKindRule(whitelist, group, kind, '')) {
    return refuse(`${subject}: namespaceResourceWhitelist does not list it`);
  }
  const denied = findKindRule(view.namespaceBlacklist, group, kind, '');
  if (denied) return refuse(`${subject}: it is in namespaceResourceBlacklist (entry ${describeKindRule(denied)})`);
  return permit(`${projectLabel(view)} permits namespaced ${describeKind(group, kind)}`);
}

function clusterKindDecision(view: ProjectView, group: string, kind: string, name: string): ProjectDecision {
  const subject = `${projectLabel(view)} does not permit cluster-scoped ${describeKind(group, kind)}${name ? ` named '${name}'` : ''}`;
  if (view.clusterWhitelist.length === 0) {
    return refuse(`${subject}: clusterResourceWhitelist is empty, and cluster-scoped kinds must be listed there`);
  }
  if (!findKindRule(view.clusterWhitelist, group, kind, name)) {
    return refuse(`${subject}: clusterResourceWhitelist does not list it`);
  }
  const denied = findKindRule(view.clusterBlacklist, group, kind, name);
  if (denied) return refuse(`${subject}: it is in clusterResourceBlacklist (entry ${describeKindRule(denied)})`);
  return permit(`${projectLabel(view)} permits cluster-scoped ${describeKind(group, kind)}`);
}

/**
 * Whether the AppProject lets Argo CD sync a kind, as IsGroupKindNamePermitted decides. Cluster-scoped
 * kinds need a clusterResourceWhitelist entry (an empty or absent whitelist permits none) and no
 * clusterResourceBlacklist entry; those entries may also restrict by object name (`name`, pass it
 * here; without it the object's name counts as ""). Namespaced kinds must match
 * namespaceResourceWhitelist when it is set (set to `[]` it permits nothing; absent, everything) and
 * not match namespaceResourceBlacklist. group "" is the core group; group and kind are
 * filepath.Match globs.
 */
export function isKindPermitted(project: unknown, group: string, kind: string, namespaced: boolean, name = ''): ProjectDecision {
  const view = readProject(project);
  return namespaced ? namespacedKindDecision(view, group, kind) : clusterKindDecision(view, group, kind, name);
}

// ---------------------------------------------------------------------------------------------
// Whole Application

interface ApplicationView {
  label: string;
  name: string;
  namespace: string;
  project: string;
  sources: { field: string; repoURL: string }[];
  destination: Target;
}

function applicationSources(spec: unknown): { field: string; repoURL: string }[] {
  const hydrator = at(spec, 'sourceHydrator');
  if (asDict(hydrator)) {
    const dry = text(at(hydrator, 'drySource', 'repoURL'));
    const sync = text(at(hydrator, 'syncSource', 'repoURL'));
    const drySource = { field: 'spec.sourceHydrator.drySource', repoURL: dry };
    return sync !== '' && sync !== dry ? [drySource, { field: 'spec.sourceHydrator.syncSource', repoURL: sync }] : [drySource];
  }
  const sources = list(at(spec, 'sources')) ?? [];
  if (sources.length > 0) return sources.map((source, i) => ({ field: `spec.sources[${i}]`, repoURL: text(at(source, 'repoURL')) }));
  const source = at(spec, 'source');
  return asDict(source) ? [{ field: 'spec.source', repoURL: text(at(source, 'repoURL')) }] : [];
}

function readApplication(application: unknown): ApplicationView {
  const spec = at(application, 'spec');
  const name = text(at(application, 'metadata', 'name'));
  const namespace = text(at(application, 'metadata', 'namespace'));
  return {
    label: `Application ${namespace ? `${namespace}/` : ''}${name || '(unnamed)'}`,
    name,
    namespace,
    project: text(at(spec, 'project')) || DEFAULT_PROJECT,
    sources: applicationSources(spec),
    destination: {
      server: text(at(spec, 'destination', 'server')),
      name: text(at(spec, 'destination', 'name')),
      namespace: text(at(spec, 'destination', 'namespace')),
    },
  };
}

/** MatchStringInList(REGEXP): `/re/` entries are unanchored regular expressions, others globs. */
function matchesNamespaceList(entries: readonly string[], namespace: string): boolean {
  return entries.some((entry) => {
    if (entry.length > 2 && entry.startsWith('/') && entry.endsWith('/')) {
      try {
        if (new RegExp(entry.slice(1, -1)).test(namespace)) return true;
      } catch {
        // Argo CD logs an invalid expression and falls through to the glob reading.
      }
    }
    return gobwasMatch(entry, namespace);
  });
}

function appNamespaceRefusal(view: ProjectView, app: ApplicationView, controllerNamespace: string): ProjectDecision | undefined {
  if (app.namespace === '' || app.namespace === controllerNamespace) return undefined;
  if (matchesNamespaceList(view.sourceNamespaces, app.namespace)) return undefined;
  return refuse(
    `${projectLabel(view)} does not accept Applications from namespace ${app.namespace}: it is not in sourceNamespaces ` +
      `(only Applications in Argo CD's own namespace ${controllerNamespace} skip that list)`,
  );
}

function sourceRefusals(project: unknown, app: ApplicationView): ProjectDecision[] {
  if (app.sources.length === 0) return [refuse(`${app.label} has no source (spec.source, spec.sources or spec.sourceHydrator)`)];
  return app.sources.flatMap(({ field, repoURL }) => {
    if (repoURL === '') return [refuse(`${app.label} has no repoURL in ${field}`)];
    const decision = isSourcePermitted(project, repoURL);
    return decision.allowed ? [] : [refuse(`${decision.reason} (${field})`)];
  });
}

type ClusterResolution = { cluster: ArgoCluster } | { refusal: ProjectDecision };

/** GetDestinationServer + GetDestinationCluster: exactly one of server or name, naming a known cluster. */
function resolveCluster(app: ApplicationView, clusters: readonly ArgoCluster[]): ClusterResolution {
  const { server, name } = app.destination;
  if (server !== '' && name !== '') return { refusal: refuse(`${app.label}: destination can't have both name and server defined: ${name} ${server}`) };
  if (server === '' && name === '') return { refusal: refuse(`${app.label}: destination has neither server nor name`) };
  if (server !== '') {
    const trimmed = server.replace(/\/+$/, '');
    const cluster = clusters.find((c) => c.server === trimmed);
    return cluster ? { cluster } : { refusal: refuse(`${app.label}: destination server ${server} is not a cluster registered with Argo CD`) };
  }
  const named = clusters.filter((c) => c.name === name);
  if (named.length === 1 && named[0]) return { cluster: named[0] };
  return {
    refusal: refuse(
      named.length === 0
        ? `${app.label}: there are no clusters with this name: ${name}`
        : `${app.label}: there are ${named.length} clusters with the same name: ${name}`,
    ),
  };
}

/** IsDestinationPermitted on a resolved cluster, including permitOnlyProjectScopedClusters. */
function clusterDestinationDecision(
  project: unknown,
  view: ProjectView,
  cluster: ArgoCluster,
  namespace: string,
  clusters: readonly ArgoCluster[],
): ProjectDecision {
  const decision = isDestinationPermitted(project, { server: cluster.server, name: cluster.name, namespace });
  if (!decision.allowed || !view.permitOnlyProjectScopedClusters) return decision;
  const scoped = clusters.some((c) => c.project === view.name && (c.name === cluster.name || c.server === cluster.server));
  if (scoped) return decision;
  return refuse(
    `${projectLabel(view)} does not permit cluster ${cluster.name} (${cluster.server}): permitOnlyProjectScopedClusters is set and the cluster is not scoped to this project`,
  );
}

interface ApplicationVerdict {
  refusals: ProjectDecision[];
  cluster: ArgoCluster | undefined;
}

function judgeApplication(project: unknown, view: ProjectView, app: ApplicationView, options: EvaluateSyncOptions): ApplicationVerdict {
  if (app.project !== view.name) {
    return {
      refusals: [refuse(`${app.label} belongs to project '${app.project}', not to ${projectLabel(view)}`)],
      cluster: undefined,
    };
  }
  const clusters = options.clusters ?? [IN_CLUSTER];
  const refusals: ProjectDecision[] = [];
  const namespaceRefusal = appNamespaceRefusal(view, app, options.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE);
  if (namespaceRefusal) refusals.push(namespaceRefusal);
  refusals.push(...sourceRefusals(project, app));
  const resolution = resolveCluster(app, clusters);
  if ('refusal' in resolution) return { refusals: [...refusals, resolution.refusal], cluster: undefined };
  const destination = clusterDestinationDecision(project, view, resolution.cluster, app.destination.namespace, clusters);
  if (!destination.allowed) refusals.push(refuse(`${destination.reason} (spec.destination)`));
  return { refusals, cluster: resolution.cluster };
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

interface ObjectContext {
  project: unknown;
  view: ProjectView;
  app: ApplicationView;
  verdict: ApplicationVerdict;
  clusters: readonly ArgoCluster[];
}

function objectNamespaceDecision(ctx: ObjectContext, obj: SyncObject, namespace: string): ProjectDecision | undefined {
  if (namespace === '') {
    return refuse(`${obj.kind} ${obj.metadata.name} is namespaced but has no namespace, and ${ctx.app.label} sets no destination namespace`);
  }
  const cluster = ctx.verdict.cluster;
  const decision = cluster
    ? clusterDestinationDecision(ctx.project, ctx.view, cluster, namespace, ctx.clusters)
    : isDestinationPermitted(ctx.project, { server: ctx.app.destination.server, name: ctx.app.destination.name, namespace });
  return decision.allowed ? undefined : decision;
}

function objectDecision(ctx: ObjectContext, obj: SyncObject, namespaced: boolean, namespace: string): ProjectDecision {
  const group = groupOf(obj.apiVersion);
  const kindDecision = isKindPermitted(ctx.project, group, obj.kind, namespaced, obj.metadata.name);
  if (!kindDecision.allowed) return kindDecision;
  const namespaceRefusal = namespaced ? objectNamespaceDecision(ctx, obj, namespace) : undefined;
  if (namespaceRefusal) return namespaceRefusal;
  const appRefusal = ctx.verdict.refusals[0];
  if (appRefusal) return refuse(`Argo CD would not sync it because ${ctx.app.label} is refused: ${appRefusal.reason}`);
  return permit(`${projectLabel(ctx.view)} permits ${describeKind(group, obj.kind)}${namespaced ? ` in namespace ${namespace}` : ''}`);
}

/**
 * What Argo CD would do with an Application of this AppProject: one refused entry per
 * application-level problem (object `Application/<namespace>/<name>`; wrong project, namespace not
 * in sourceNamespaces, source repos, destination), then one entry per object (`Kind/namespace/name`,
 * namespace empty for cluster-scoped kinds). A namespaced object without a namespace lands in the
 * destination namespace, as Argo CD sets it. When the Application itself is refused Argo CD syncs
 * nothing, so every object is refused too, with its own reason if it has one.
 * `isNamespaced` answers what API discovery would (for CRDs too).
 */
export function evaluateSync(
  project: unknown,
  application: unknown,
  objects: readonly SyncObject[],
  isNamespaced: (apiVersion: string, kind: string) => boolean,
  options: EvaluateSyncOptions = {},
): SyncObjectDecision[] {
  const view = readProject(project);
  const app = readApplication(application);
  const verdict = judgeApplication(project, view, app, options);
  const ctx: ObjectContext = { project, view, app, verdict, clusters: options.clusters ?? [IN_CLUSTER] };
  const appObject = `Application/${app.namespace}/${app.name}`;
  const results = verdict.refusals.map((decision) => ({ object: appObject, decision }));
  for (const obj of objects) {
    const namespaced = isNamespaced(obj.apiVersion, obj.kind);
    // Argo CD clears the namespace of cluster-scoped objects and defaults that of namespaced ones.
    const namespace = namespaced ? obj.metadata.namespace || app.destination.namespace : '';
    results.push({ object: `${obj.kind}/${namespace}/${obj.metadata.name}`, decision: objectDecision(ctx, obj, namespaced, namespace) });
  }
  return results;
}
