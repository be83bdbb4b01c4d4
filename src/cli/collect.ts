/** commander helper for repeatable options (kept apart so command files stay light). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
