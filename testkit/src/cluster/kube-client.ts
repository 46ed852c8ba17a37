import { request as httpsRequest, Agent } from 'node:https';

/** How to reach the test API server: its URL, the CA that signed its certificate and a bearer token. */
export interface Connection {
  server: string;
  caCert: string;
  token: string;
}

/** Who a request is made as. Team members and controllers are impersonated by the admin. */
export interface Identity {
  user: string;
  groups: string[];
}

/** Any Kubernetes object: what the tests apply and read back. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** The server's answer, refusals included: tests assert on them rather than catch them. */
export interface Reply<T = unknown> {
  status: number;
  ok: boolean;
  /** The decoded body: the object, a list, or a Status with the server's message. */
  body: T;
  /** The server's message for a refusal ("" when ok). */
  message: string;
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/** The attributes of a SubjectAccessReview: can this identity do verb on resource here? */
export interface Access {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const FIELD_MANAGER = 'paved-tests';

/** Every write is strict (an unknown or duplicate field is an error); a dry run is admitted in full and stored nowhere. */
const writeQuery = (options: { dryRun?: boolean }): string =>
  `?${new URLSearchParams({ fieldValidation: 'Strict', ...(options.dryRun ? { dryRun: 'All' } : {}) })}`;

/**
 * A small REST client for the test control plane: discovery, server-side apply with strict
 * field validation, get, list, delete and SubjectAccessReview. Nothing is retried or hidden:
 * every refusal comes back as a Reply with the server's own message.
 */
export class KubeClient {
  private readonly agent: Agent;
  private readonly discovery: Map<string, Promise<Map<string, ResourceInfo>>>;

  constructor(
    readonly connection: Connection,
    readonly identity?: Identity,
    shared?: { agent: Agent; discovery: Map<string, Promise<Map<string, ResourceInfo>>> },
  ) {
    this.agent = shared?.agent ?? new Agent({ ca: connection.caCert, keepAlive: true, maxSockets: 16 });
    this.discovery = shared?.discovery ?? new Map();
  }

  /** The same server, the requests made as another user (admin impersonation: the server authorizes and admits them as that user). */
  as(identity: Identity): KubeClient {
    return new KubeClient(this.connection, identity, { agent: this.agent, discovery: this.discovery });
  }

  /** Forget what discovery found, e.g. after CRDs were installed. */
  forgetDiscovery(): void {
    this.discovery.clear();
  }

  close(): void {
    this.agent.destroy();
  }

  request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply<T>> {
    const url = new URL(path, this.connection.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | string[]> = { Authorization: `Bearer ${this.connection.token}`, Accept: 'application/json' };
    if (payload !== undefined) headers['Content-Type'] = contentType;
    if (this.identity) {
      headers['Impersonate-User'] = this.identity.user;
      if (this.identity.groups.length > 0) headers['Impersonate-Group'] = this.identity.groups;
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let decoded: unknown = text;
          try {
            decoded = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (e.g. /readyz answers "ok"): keep the text.
          }
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const message = ok ? '' : typeof decoded === 'object' && decoded !== null && 'message' in decoded ? String(decoded.message) : text;
          resolve({ status, ok, body: decoded as T, message });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async resources(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    let found = this.discovery.get(apiVersion);
    if (!found) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.request<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>('GET', path).then((reply) => {
        const map = new Map<string, ResourceInfo>();
        for (const resource of reply.ok ? (reply.body.resources ?? []) : [])
          if (!resource.name.includes('/')) map.set(resource.kind, { plural: resource.name, namespaced: resource.namespaced });
        return map;
      });
      this.discovery.set(apiVersion, found);
    }
    return found;
  }

  /** Whether the server keeps this kind in namespaces (discovery's answer); throws for a kind it does not serve. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const path = await this.pathOf(apiVersion, kind, 'x');
    return path.includes('/namespaces/x/');
  }

  /** The REST path of a kind (of a namespace, or of one object). Throws for a kind the server does not serve. */
  async pathOf(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    let info = (await this.resources(apiVersion)).get(kind);
    if (!info) {
      this.discovery.delete(apiVersion);
      info = (await this.resources(apiVersion)).get(kind);
    }
    if (!info) throw new Error(`the API server does not serve ${kind} in ${apiVersion}`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scope = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${scope}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /**
   * Server-side apply with strict field validation (an unknown or duplicate field is an error,
   * not a warning). `dryRun` runs every admission check and stores nothing.
   */
  async apply<T = KubeObject>(object: KubeObject, options: { fieldManager?: string; force?: boolean; dryRun?: boolean } = {}): Promise<Reply<T>> {
    const path = await this.pathOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
    const query = new URLSearchParams({ fieldManager: options.fieldManager ?? FIELD_MANAGER, fieldValidation: 'Strict' });
    if (options.force) query.set('force', 'true');
    if (options.dryRun) query.set('dryRun', 'All');
    return this.request<T>('PATCH', `${path}?${query}`, object, 'application/apply-patch+yaml');
  }

  /** `kubectl create`: a POST to the collection, with strict field validation (`dryRun`: admitted, stored nowhere). */
  async create<T = KubeObject>(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<Reply<T>> {
    return this.request<T>('POST', `${await this.pathOf(object.apiVersion, object.kind, object.metadata.namespace)}${writeQuery(options)}`, object);
  }

  /** `kubectl replace`: a PUT of the whole object, with strict field validation. */
  async update<T = KubeObject>(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<Reply<T>> {
    return this.request<T>(
      'PUT',
      `${await this.pathOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name)}${writeQuery(options)}`,
      object,
    );
  }

  async get<T = KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<Reply<T>> {
    return this.request<T>('GET', await this.pathOf(apiVersion, kind, namespace, name));
  }

  async list<T = KubeObject>(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string } = {}): Promise<T[]> {
    const query = options.labelSelector ? `?${new URLSearchParams({ labelSelector: options.labelSelector })}` : '';
    const reply = await this.request<{ items: T[] }>('GET', `${await this.pathOf(apiVersion, kind, options.namespace)}${query}`);
    if (!reply.ok) throw new Error(`listing ${kind} failed (${reply.status}): ${reply.message}`);
    return reply.body.items;
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string, options: { dryRun?: boolean } = {}): Promise<Reply> {
    return this.request('DELETE', `${await this.pathOf(apiVersion, kind, namespace, name)}${options.dryRun ? '?dryRun=All' : ''}`);
  }

  /** Deletes every object of a kind in a namespace in one request (`kubectl delete --all`). */
  async deleteCollection(apiVersion: string, kind: string, namespace: string, options: { dryRun?: boolean } = {}): Promise<Reply> {
    return this.request('DELETE', `${await this.pathOf(apiVersion, kind, namespace)}${options.dryRun ? '?dryRun=All' : ''}`);
  }

  /** JSON merge patch (what `kubectl patch --type merge` sends). */
  async mergePatch<T = KubeObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    options: { dryRun?: boolean } = {},
  ): Promise<Reply<T>> {
    return this.request<T>('PATCH', `${await this.pathOf(apiVersion, kind, namespace, name)}${writeQuery(options)}`, patch, 'application/merge-patch+json');
  }

  /** The server's own RBAC answer for an identity, asked with a SubjectAccessReview. */
  async allowed(identity: Identity, access: Access): Promise<boolean> {
    const reply = await this.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: identity.user, groups: identity.groups, resourceAttributes: { ...access } },
    });
    if (!reply.ok) throw new Error(`SubjectAccessReview failed (${reply.status}): ${reply.message}`);
    return reply.body.status?.allowed === true;
  }
}
