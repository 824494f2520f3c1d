import { JsonView } from '../../components/code/JsonView';
import type { ChatMessage } from './messages';
import { extractMessages } from './messages';

/** Chat messages, one card per message, role as heading; all text rendered as React text. */
export function ChatMessages({ messages, label }: { messages: ChatMessage[]; label: string }) {
  return (
    <ol className="chat" aria-label={label}>
      {messages.map((m, i) => (
        <li key={i} className={`chat-message chat-${m.role.replace(/[^a-z_-]/gi, '')}`}>
          <div className="chat-role">{m.role}</div>
          {m.text && <div className="chat-text">{m.text}</div>}
          {m.extra.map((x, j) => (
            <JsonView key={j} value={x} label={`${m.role} message content ${j + 1}`} />
          ))}
        </li>
      ))}
    </ol>
  );
}

/**
 * An input or output: chat messages when `messages` (or the value itself) looks like messages,
 * plain text for a plain string, formatted JSON otherwise; a muted dash when absent.
 */
export function Payload({
  value,
  label,
  messages,
}: {
  value: unknown;
  label: string;
  messages?: ChatMessage[] | null;
}) {
  const chat = messages === undefined ? extractMessages(value) : messages;
  if (chat) return <ChatMessages messages={chat} label={label} />;
  if (value === null || value === undefined || value === '') {
    return (
      <p className="muted" aria-label={label}>
        None recorded
      </p>
    );
  }
  if (typeof value === 'string' && !/^\s*[[{]/.test(value)) {
    return (
      <div className="payload-text" aria-label={label}>
        {value}
      </div>
    );
  }
  return <JsonView value={value} label={label} />;
}
