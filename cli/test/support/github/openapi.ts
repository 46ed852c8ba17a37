import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Request validation against GitHub's published OpenAPI description (api.github.com, from
 * @octokit/openapi): the path must be a documented endpoint, the method one it has, path and
 * query parameters must be declared and of the right type, and JSON bodies must match the
 * request schema, with no properties the schema does not name.
 */

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
  $ref?: string;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> };
}

interface Spec {
  paths: Record<string, Record<string, Operation | Parameter[] | undefined>>;
  components: { parameters: Record<string, Parameter>; schemas: Record<string, unknown> };
}

export interface Matched {
  operationId: string;
  template: string;
  params: Record<string, string>;
  query: Record<string, string>;
  violations: string[];
}

interface Route {
  template: string;
  regex: RegExp;
  names: string[];
  literalLength: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];
const require_ = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Rewrites local "#/components/…" references to the registered spec document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `gh${v}` : rebase(v)]));
}

/** Descriptions shipped in @octokit/openapi: GitHub.com, Enterprise Cloud, Enterprise Server. */
export type SpecName = 'api.github.com' | 'ghec' | 'ghes-3.19';
const shared = new Map<SpecName, OpenApiValidator>();

export class OpenApiValidator {
  private readonly spec: Spec;
  private readonly routes: Route[];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** A spec is 11–14 MB; parse each once per test worker. */
  static shared(name: SpecName = 'api.github.com'): OpenApiValidator {
    let v = shared.get(name);
    if (v === undefined) {
      v = new OpenApiValidator(require_.resolve(`@octokit/openapi/generated/${name}.json`));
      shared.set(name, v);
    }
    return v;
  }

  constructor(file: string) {
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
    this.routes = Object.keys(this.spec.paths).map((template) => {
      const names: string[] = [];
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { template, regex: new RegExp(`^${pattern}$`), names, literalLength: template.replace(/\{[^}]+\}/g, '').length };
    });
    // Most literal first, so /rulesets/rule-suites wins over /rulesets/{ruleset_id}.
    this.routes.sort((a, b) => b.literalLength - a.literalLength);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: this.spec.components }, 'gh');
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let fn = this.compiled.get(key);
    if (fn === undefined) {
      fn = this.ajv.compile(rebase(schema) as object);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  private parameter(p: Parameter): Parameter {
    if (p.$ref === undefined) return p;
    const name = p.$ref.replace('#/components/parameters/', '');
    const resolved = this.spec.components.parameters[name];
    if (resolved === undefined) throw new Error(`spec: unresolved parameter ${p.$ref}`);
    return resolved;
  }

  private check(key: string, schema: unknown, value: unknown, where: string): string[] {
    const fn = this.validator(key, schema);
    if (fn(value)) return [];
    return (fn.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${where}${e.instancePath} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`,
      );
  }

  /** undefined when no documented path matches at all. */
  match(method: string, url: URL, body: unknown, contentType: string | undefined): Matched | undefined {
    const path = url.pathname;
    const route = this.routes.find((r) => r.regex.test(path));
    if (route === undefined) return undefined;
    const item = this.spec.paths[route.template] ?? {};
    const m = method.toLowerCase();
    const operation = METHODS.includes(m) ? (item[m] as Operation | undefined) : undefined;
    const values = route.regex.exec(path)?.slice(1) ?? [];
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(values[i] ?? '')]));
    const query = Object.fromEntries(url.searchParams.entries());
    if (operation === undefined) {
      return { operationId: '', template: route.template, params, query, violations: [`${method} is not a documented method of ${route.template}`] };
    }
    const violations: string[] = [];
    const declared = [...((item.parameters as Parameter[] | undefined) ?? []), ...(operation.parameters ?? [])].map((p) => this.parameter(p));
    for (const p of declared.filter((d) => d.in === 'path' || d.in === 'query')) {
      const raw = p.in === 'path' ? params[p.name] : query[p.name];
      if (raw === undefined) {
        if (p.required) violations.push(`missing required ${p.in} parameter ${p.name}`);
        continue;
      }
      violations.push(...this.check(`${route.template} ${m} ${p.in} ${p.name}`, p.schema ?? {}, coerce(raw, p.schema), `${p.in} parameter ${p.name}`));
    }
    const known = new Set(declared.filter((d) => d.in === 'query').map((d) => d.name));
    for (const name of Object.keys(query))
      if (!known.has(name)) violations.push(`query parameter ${name} is not documented for ${m.toUpperCase()} ${route.template}`);

    const bodySpec = operation.requestBody;
    if (body === undefined) {
      if (bodySpec?.required) violations.push(`${m.toUpperCase()} ${route.template} requires a JSON body`);
    } else if (bodySpec === undefined) {
      violations.push(`${m.toUpperCase()} ${route.template} takes no request body`);
    } else {
      if (!/^application\/json\b/.test(contentType ?? '')) violations.push(`body content-type ${contentType ?? '(none)'} is not application/json`);
      const schema = bodySpec.content?.['application/json']?.schema;
      if (schema !== undefined) {
        violations.push(...this.check(`${route.template} ${m} body`, schema, body, 'body'));
        const properties = (schema as { properties?: Record<string, unknown> }).properties;
        if (properties !== undefined && typeof body === 'object' && body !== null && !Array.isArray(body)) {
          for (const key of Object.keys(body))
            if (!(key in properties)) violations.push(`body property ${key} is not in the schema of ${m.toUpperCase()} ${route.template}`);
        }
      }
    }
    return { operationId: operation.operationId, template: route.template, params, query, violations };
  }
}

/** Path and query values arrive as text; compare them as the type the spec declares. */
function coerce(raw: string, schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}
