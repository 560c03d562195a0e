/**
 * EventBridge event-pattern matching, for routing events the way a rule's own `eventPattern`
 * does (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * every field the pattern names must be in the event; a pattern array matches when the event's
 * value (or any element of an event array) equals one of its entries; nested objects match
 * recursively. The content filters (`prefix`, `numeric`, `anything-but`, `exists`...) are
 * objects inside the arrays; the stack uses none, so any of them is refused rather than guessed.
 */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  const record = event as Record<string, unknown>;
  for (const [field, rule] of Object.entries(pattern)) {
    if (!(field in record)) return false;
    const value = record[field];
    if (Array.isArray(rule)) {
      for (const entry of rule) {
        if (entry !== null && typeof entry === 'object') throw new Error(`event pattern filter ${JSON.stringify(entry)} is not supported here`);
      }
      const values = Array.isArray(value) ? value : [value];
      if (!values.some((v) => rule.includes(v))) return false;
    } else if (rule !== null && typeof rule === 'object') {
      if (!matchesEventPattern(rule as EventPattern, value)) return false;
    } else {
      throw new Error(`event pattern field ${JSON.stringify(field)} must be an array or an object`);
    }
  }
  return true;
}
