import { describe, expect, it } from 'vitest';
import { extractMessages, spanMessages } from './messages';

describe('message detection', () => {
  it('reads arrays of {role, content} with string or parts content', () => {
    expect(
      extractMessages([
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
      ]),
    ).toEqual([
      { role: 'system', text: 'be brief', extra: [] },
      { role: 'user', text: 'hi', extra: [{ type: 'image_url', image_url: { url: 'x' } }] },
    ]);
  });

  it('reads {messages}, choices and JSON strings; refuses what is not messages', () => {
    expect(extractMessages({ messages: [{ role: 'user', content: 'q' }] })?.[0].text).toBe('q');
    expect(extractMessages({ choices: [{ message: { role: 'assistant', content: 'a' } }] })?.[0].role).toBe(
      'assistant',
    );
    expect(extractMessages('[{"role":"user","content":"json"}]')?.[0].text).toBe('json');
    expect(extractMessages('plain text')).toBeNull();
    expect(extractMessages({ query: 'x' })).toBeNull();
    expect(extractMessages([{ role: 'user', content: 'a' }, { foo: 1 }])).toBeNull();
    expect(extractMessages([])).toBeNull();
  });

  it('reads OTel gen_ai attributes: JSON messages with parts, and indexed prompt attributes', () => {
    const otel = spanMessages({
      input: null,
      output: null,
      attributes: {
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'weather?' }] }]),
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'sunny',
      },
    });
    expect(otel.input).toEqual([{ role: 'user', text: 'weather?', extra: [] }]);
    expect(otel.output).toEqual([{ role: 'assistant', text: 'sunny', extra: [] }]);
    const indexed = spanMessages({
      input: { city: 'Paris' },
      output: 'fine',
      attributes: {
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'b',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'a',
      },
    });
    expect(indexed.input?.map((m) => m.text)).toEqual(['a', 'b']);
    expect(indexed.output).toBeNull();
  });

  it('keeps tool calls as extra content', () => {
    const m = extractMessages([{ role: 'assistant', content: null, tool_calls: [{ id: 't1' }] }]);
    expect(m?.[0].text).toBe('');
    expect(m?.[0].extra).toEqual([{ tool_calls: [{ id: 't1' }] }]);
  });
});
