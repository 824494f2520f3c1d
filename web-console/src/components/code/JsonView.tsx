import { lazy, Suspense } from 'react';

const JsonCodeMirror = lazy(() => import('./JsonCodeMirror'));

/** `value` as indented JSON text (strings that hold JSON are parsed first). */
export function jsonText(value: unknown): string {
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  if (value === undefined) return 'null';
  return JSON.stringify(value, null, 2);
}

/**
 * A value as formatted, read-only JSON in CodeMirror (with folding and highlighting). CodeMirror
 * is loaded with React.lazy on first use, so it stays out of the initial bundle; until it loads,
 * the same text shows as plain preformatted text. `label` names the view for assistive tech.
 */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = jsonText(value);
  return (
    <div className="json-view">
      <Suspense
        fallback={
          <pre className="json-fallback" aria-label={label}>
            {text}
          </pre>
        }
      >
        <JsonCodeMirror text={text} label={label} />
      </Suspense>
    </div>
  );
}
