/** One problem reported by a linter or validator, normalised across tools. */
export interface Finding {
  tool: string;
  file: string;
  line?: number;
  column?: number;
  rule?: string;
  message: string;
}

/** Renders findings one per line, for assertion messages that show what the tool said. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const where = [f.file, f.line, f.column].filter((part) => part !== undefined).join(':');
      return `${f.tool} ${where}${f.rule ? ` [${f.rule}]` : ''}: ${f.message}`;
    })
    .join('\n');
}
