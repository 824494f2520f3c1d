/** A chat message as LLM APIs shape it. */
export interface ChatMessage {
  role: string;
  content: unknown;
}

function isMessages(value: unknown): value is ChatMessage[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (m) =>
        m !== null && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string' && 'content' in m,
    )
  );
}

/**
 * How an input or output is shown: `messages` (an array of {role, content}, also when it comes
 * as JSON text, as native ingestion stores it), `text` (any other string), `json` (other
 * values, pretty-printed) or `none` (null/undefined).
 */
export type ShownValue =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'messages'; messages: ChatMessage[] }
  | { kind: 'json'; text: string };

/** Decides how to show `value` (see {@link ShownValue}). */
export function shownValue(value: unknown): ShownValue {
  if (value === null || value === undefined) return { kind: 'none' };
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (isMessages(parsed)) return { kind: 'messages', messages: parsed };
      } catch {
        // not JSON: plain text
      }
    }
    return { kind: 'text', text: value };
  }
  if (isMessages(value)) return { kind: 'messages', messages: value };
  return { kind: 'json', text: JSON.stringify(value, null, 2) };
}

/** The text of a message's content: a string as is, parts' `text` joined, other JSON printed. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : JSON.stringify(part),
      )
      .join('\n');
  }
  return JSON.stringify(content, null, 2);
}

/** An input or output rendered as React text: messages, plain text or pretty JSON in a <pre>. */
export function TextValue({ value, empty = 'none' }: { value: unknown; empty?: string }) {
  const shown = shownValue(value);
  switch (shown.kind) {
    case 'none':
      return <span className="muted">({empty})</span>;
    case 'text':
      return <div className="text-value">{shown.text}</div>;
    case 'json':
      return <pre className="json-value">{shown.text}</pre>;
    case 'messages':
      return (
        <ol className="message-list">
          {shown.messages.map((m, i) => (
            <li key={i} className={`message message-${m.role}`}>
              <span className="message-role">{m.role}</span>
              <div className="text-value">{contentText(m.content)}</div>
            </li>
          ))}
        </ol>
      );
  }
}
