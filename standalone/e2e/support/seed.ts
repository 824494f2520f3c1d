/**
 * The traces the browser tests look at, sent as a real producer sends them: the OpenTelemetry
 * JavaScript SDK's OTLP/HTTP protobuf exporter with the GenAI semantic conventions.
 *
 * - `passing`: `checkout agent` (session `e2e-session`, user `ana`): an LLM call (gpt-4o, 1,200
 *   input and 340 output tokens) at 100-1,100 ms and a tool call at 1,200-1,800 ms in a 2 s run;
 * - `failing`: the same run one turn later whose tool call fails and whose answer differs;
 * - `hostile`: span texts holding markup (`<img onerror>`, `<script>`) that must show as text.
 */
import { SpanStatusCode, context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface SeedTraces {
  passing: string;
  failing: string;
  hostile: string;
}

/** Markup in the hostile trace's texts; running it would set `window.__xss`. */
export const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">';
export const HOSTILE_ATTRIBUTE = '<script>window.__xss=2</script>';

function messages(role: string, content: string): string {
  return JSON.stringify([{ role, content }]);
}

function agentRun(tracer: Tracer, startMillis: number, fail: boolean, turn: number): string {
  const question = turn === 1 ? 'Where is my order 1042?' : 'And order 1043?';
  const answer = fail ? 'I could not find that order.' : 'Order 1042 ships today.';
  const root = tracer.startSpan('checkout agent', {
    startTime: startMillis,
    attributes: {
      'session.id': 'e2e-session',
      'user.id': 'ana',
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.input.messages': messages('user', question),
      'gen_ai.output.messages': messages('assistant', answer),
      'metadata.env': 'e2e',
    },
  });
  const parent = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      startTime: startMillis + 100,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': fail ? 1500 : 1200,
        'gen_ai.usage.output_tokens': fail ? 90 : 340,
        'gen_ai.input.messages': messages('user', question),
        'gen_ai.output.messages': messages('assistant', answer),
      },
    },
    parent,
  );
  llm.end(startMillis + 1_100);
  const tool: Span = tracer.startSpan(
    'lookup_order',
    {
      startTime: startMillis + 1_200,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_order',
        'gen_ai.tool.call.arguments': JSON.stringify({ order: turn === 1 ? 1042 : 1043 }),
        'gen_ai.tool.call.result': fail ? '' : JSON.stringify({ status: 'shipping' }),
      },
    },
    parent,
  );
  if (fail) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service timed out' });
  tool.end(startMillis + 1_800);
  root.setStatus({ code: fail ? SpanStatusCode.ERROR : SpanStatusCode.OK });
  root.end(startMillis + 2_000);
  return root.spanContext().traceId;
}

/** Sends the seed traces and returns their ids once the exporter has delivered every span. */
export async function seedTraces(otlpUrl: string, apiKey: string): Promise<SeedTraces> {
  const exporter = new OTLPTraceExporter({ url: otlpUrl, headers: { Authorization: `Bearer ${apiKey}` } });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'e2e-agent' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('tracefold-e2e');
  const now = Date.now() - 60_000;
  const passing = agentRun(tracer, now, false, 1);
  const failing = agentRun(tracer, now + 10_000, true, 2);

  const hostileRoot = tracer.startSpan(HOSTILE_NAME, {
    startTime: now + 20_000,
    attributes: { note: HOSTILE_ATTRIBUTE, 'gen_ai.input.messages': messages('user', HOSTILE_ATTRIBUTE) },
  });
  hostileRoot.end(now + 20_500);
  const hostile = hostileRoot.spanContext().traceId;

  await provider.forceFlush();
  await provider.shutdown();
  return { passing, failing, hostile };
}

/**
 * A trace still running: spans of one trace sent one at a time (its root never ends, so only the
 * quiet window completes it). `child()` sends one more span and waits until it is delivered.
 */
export function liveTrace(otlpUrl: string, apiKey: string) {
  const exporter = new OTLPTraceExporter({ url: otlpUrl, headers: { Authorization: `Bearer ${apiKey}` } });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'e2e-live' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('tracefold-e2e');
  const root = tracer.startSpan('live run');
  const parent = trace.setSpan(context.active(), root);
  let sent = 0;
  return {
    traceId: root.spanContext().traceId,
    async child(): Promise<void> {
      tracer.startSpan(`step ${++sent}`, {}, parent).end();
      await provider.forceFlush();
    },
    close: () => provider.shutdown(),
  };
}
