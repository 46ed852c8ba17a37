/**
 * `@paved/frame/yaml`: the one way Paved reads a YAML file a user writes, and says where its
 * problems are: each problem names the file, line and column of the value (or key) it is about.
 * A separate entry point because it loads the yaml package (an optional peer dependency), which
 * a scaffold never needs.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { SchemaIssue, SchemaPath as Path } from './schema-issues.js';

export interface FileIssue {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const formatIssue = (issue: FileIssue): string => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;

/** A parsed YAML file that can answer "where is this path?". */
export class Located {
  private parsed: { doc: Document; lines: LineCounter } | undefined;
  constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  /** Parsed on demand and again after release(): positions are only needed for problems. */
  get doc(): Document {
    return this.parse().doc;
  }

  private parse() {
    if (!this.parsed) {
      const lines = new LineCounter();
      this.parsed = { doc: parseDocument(this.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false }), lines };
    }
    return this.parsed;
  }

  /** Drop the syntax tree; with a thousand team files it is most of the memory. */
  release(): void {
    this.parsed = undefined;
  }

  /** Position of the value (or key) at path, or of its nearest existing ancestor. */
  at(pathParts: Path, atKey = false): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    pathParts.forEach((part, index) => {
      if (node === undefined) return;
      const last = index === pathParts.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === part);
        if (!pair) return void (node = undefined);
        const target = last && atKey ? pair.key : (pair.value ?? pair.key);
        node = target;
        if (isNode(target)) best = target;
      } else if (isSeq(node) && typeof part === 'number') {
        node = node.items[part];
        if (isNode(node)) best = node;
      } else node = undefined;
    });
    return this.position(best?.range?.[0] ?? 0);
  }

  position(offset: number): { line: number; column: number } {
    const pos = this.parse().lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  issue(pathParts: Path, message: string, atKey = false): FileIssue {
    return { file: this.file, ...this.at(pathParts, atKey), message };
  }

  /** Schema issues (paths in this document) as file issues. */
  issues(found: readonly SchemaIssue[]): FileIssue[] {
    return found.map((issue) => this.issue(issue.path, issue.message, issue.atKey));
  }

  /**
   * The document's value, or its problems: YAML syntax errors (duplicate keys included), each
   * at its place, and aliases that would expand past `maxAliasCount` (how a YAML bomb grows a
   * small file into gigabytes), refused instead of expanded.
   */
  value(maxAliasCount = 50): { ok: true; value: unknown } | { ok: false; issues: FileIssue[] } {
    const { doc } = this.parse();
    if (doc.errors.length > 0)
      return {
        ok: false,
        issues: doc.errors.map((error) => ({ file: this.file, ...this.position(error.pos[0]), message: `YAML syntax error: ${error.message.split('\n')[0]}` })),
      };
    try {
      return { ok: true, value: doc.toJS({ maxAliasCount }) };
    } catch (cause) {
      const message = (cause as Error).message;
      if (!/alias/i.test(message)) throw cause;
      const problem =
        maxAliasCount === 0 ? 'YAML aliases (& and *) are not accepted in this file' : `YAML aliases expand to more than ${maxAliasCount} values (${message})`;
      return { ok: false, issues: [{ file: this.file, line: 1, column: 1, message: `${problem}; write each value out instead` }] };
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
