/** A GitHub-flavoured Markdown table; `|` in cells is escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('left' | 'right')[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rule = header.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.map((c, i) => (i < header.length && r !== rule ? cell(c) : c)).join(' | ')} |`).join('\n');
}
