import type { Span } from '../../api/types';

/** A chat message as the console shows it. */
export interface ChatMessage {
  role: string;
  /** The text parts joined; empty when the message has none (e.g. only tool calls). */
  text: string;
  /** Non-text content (tool calls, images, tool results as objects), shown as JSON. */
  extra: unknown[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJsonString(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('[') || t.startsWith('{'))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** Text and non-text parts of a content value (a string, a parts array, or an object). */
function contentParts(content: unknown, text: string[], extra: unknown[]): void {
  if (content === null || content === undefined) return;
  if (typeof content === 'string') {
    text.push(content);
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === 'string') text.push(part);
      else if (
        isRecord(part) &&
        (part.type === 'text' || part.type === undefined) &&
        typeof (part.text ?? part.content) === 'string'
      ) {
        text.push(String(part.text ?? part.content));
      } else extra.push(part);
    }
  } else {
    extra.push(content);
  }
}

function toMessage(v: unknown): ChatMessage | null {
  if (!isRecord(v) || typeof v.role !== 'string') return null;
  if (!('content' in v) && !('parts' in v) && !('tool_calls' in v)) return null;
  const text: string[] = [];
  const extra: unknown[] = [];
  contentParts(v.content, text, extra);
  contentParts(v.parts, text, extra);
  if (v.tool_calls !== undefined && v.tool_calls !== null) extra.push({ tool_calls: v.tool_calls });
  return { role: v.role, text: text.join('\n'), extra };
}

/**
 * The chat messages in a value, or null when it does not look like messages. Accepted: an array
 * of `{role, content}` (content a string or parts) or OTel GenAI `{role, parts}`; one such
 * object; `{messages: [...]}`; OpenAI-style `{choices: [{message}]}`; and any of these as a JSON
 * string.
 */
export function extractMessages(value: unknown, depth = 0): ChatMessage[] | null {
  const v = parseJsonString(value);
  if (depth > 3) return null;
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    const messages = v.map(toMessage);
    if (messages.every((m): m is ChatMessage => m !== null)) return messages;
    // [{message: {...}}] (choices)
    const inner = v.map((c) => (isRecord(c) ? toMessage(c.message) : null));
    if (inner.every((m): m is ChatMessage => m !== null)) return inner;
    return null;
  }
  if (isRecord(v)) {
    const single = toMessage(v);
    if (single) return [single];
    if (Array.isArray(v.messages)) return extractMessages(v.messages, depth + 1);
    if (Array.isArray(v.choices)) return extractMessages(v.choices, depth + 1);
    if (isRecord(v.message)) return extractMessages(v.message, depth + 1);
  }
  return null;
}

/**
 * Messages from indexed flat attributes such as `gen_ai.prompt.0.role` / `gen_ai.prompt.0.content`
 * (OpenLLMetry), or null when there are none.
 */
function indexedMessages(attributes: Record<string, unknown>, prefix: string): ChatMessage[] | null {
  const byIndex = new Map<number, Record<string, unknown>>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(.+)$`);
  for (const [key, value] of Object.entries(attributes)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const i = Number(m[1]);
    if (!byIndex.has(i)) byIndex.set(i, {});
    byIndex.get(i)![m[2]] = value;
  }
  if (byIndex.size === 0) return null;
  const out: ChatMessage[] = [];
  for (const i of [...byIndex.keys()].sort((a, b) => a - b)) {
    const fields = byIndex.get(i)!;
    const message = toMessage({ role: fields.role ?? 'unknown', content: fields.content ?? null });
    if (message) out.push(message);
  }
  return out.length ? out : null;
}

const INPUT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.prompt', 'llm.input_messages'];
const OUTPUT_ATTRIBUTES = ['gen_ai.output.messages', 'gen_ai.completion', 'llm.output_messages'];

function fromAttributes(attributes: Record<string, unknown> | null, keys: string[]): ChatMessage[] | null {
  if (!attributes) return null;
  for (const key of keys) {
    if (key in attributes) {
      const m = extractMessages(attributes[key]);
      if (m) return m;
    }
    const indexed = indexedMessages(attributes, key);
    if (indexed) return indexed;
  }
  return null;
}

/**
 * A span's input and output as chat messages where they are messages: its `input`/`output`
 * first, then the OTel GenAI attributes (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.prompt`, `gen_ai.completion`, indexed or JSON). Null on a side that has none.
 */
export function spanMessages(span: Pick<Span, 'input' | 'output' | 'attributes'>): {
  input: ChatMessage[] | null;
  output: ChatMessage[] | null;
} {
  return {
    input: extractMessages(span.input) ?? fromAttributes(span.attributes, INPUT_ATTRIBUTES),
    output: extractMessages(span.output) ?? fromAttributes(span.attributes, OUTPUT_ATTRIBUTES),
  };
}
