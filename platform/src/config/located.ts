// A config file's problems and where they are: each problem names the file, line and column of
// the value (or key) it is about. Read by the loader and by the cross-file checks.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Path } from './schema.js';

export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const formatIssue = (issue: ConfigIssue): string => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;

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

  issue(pathParts: Path, message: string, atKey = false): ConfigIssue {
    return { file: this.file, ...this.at(pathParts, atKey), message };
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
