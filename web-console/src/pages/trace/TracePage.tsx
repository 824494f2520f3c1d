import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { Panel, PanelGroup, PanelResizeHandle } from 'react-resizable-panels';
import type { Span } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatCount, formatDuration } from '../../format';
import { AnnotationsTab } from './AnnotationsTab';
import { Payload } from './Payload';
import { RevisionsTab } from './RevisionsTab';
import { SpanPanel } from './SpanPanel';
import { buildSpanTree, visibleRows } from './spanTree';
import { Tabs } from './Tabs';
import type { TimeWindow } from './timeAxis';
import { windowAround, zoomWindow } from './timeAxis';
import { TraceHeader } from './TraceHeader';
import { TriggersTab } from './TriggersTab';
import { MAX_SPANS, useTraceData } from './useTraceData';
import { Waterfall } from './Waterfall';
import './trace.css';

type TraceTab = 'spans' | 'annotations' | 'triggers' | 'revisions';
const TRACE_TABS: readonly TraceTab[] = ['spans', 'annotations', 'triggers', 'revisions'];

/** A 404 is tried again this often, this many times (a trace just sent may not be stored yet). */
export const NOT_FOUND_RETRY_MILLIS = 2_000;
const NOT_FOUND_RETRIES = 15;

/**
 * `/traces/:traceId`: the rollup header with actions, the trace's input and output, then tabs:
 * Spans (a resizable split of the span tree + waterfall and the selected span's panel),
 * Annotations and scores, Triggers, Revisions. Query string: `span` (selected span id), `tab`.
 */
export function TracePage() {
  const { traceId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const data = useTraceData(traceId);
  const { detail, spans } = data;

  const tabParam = params.get('tab') as TraceTab | null;
  const tab: TraceTab = tabParam && TRACE_TABS.includes(tabParam) ? tabParam : 'spans';
  const selectedId = params.get('span');
  const setParam = useCallback(
    (name: string, value: string | null) =>
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          if (value === null) next.delete(name);
          else next.set(name, value);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  // a trace just sent or uploaded may not be stored yet (the span writer batches): retry a 404 a while
  const [notFoundRetries, setNotFoundRetries] = useState(0);
  const { error, reload } = data;
  useEffect(() => {
    if (error?.status !== 404 || notFoundRetries >= NOT_FOUND_RETRIES) return;
    const timer = setTimeout(() => {
      setNotFoundRetries((n) => n + 1);
      reload();
    }, NOT_FOUND_RETRY_MILLIS);
    return () => clearTimeout(timer);
  }, [error, notFoundRetries, reload]);

  useEffect(() => {
    document.title = detail ? `${detail.name ?? detail.id} · Tracefold` : 'Trace · Tracefold';
  }, [detail]);

  if (!detail) {
    const notStored = data.error?.status === 404 && notFoundRetries < NOT_FOUND_RETRIES;
    return (
      <div className="trace-page">
        <ErrorBanner error={data.error} />
        {notStored && (
          <p role="status" className="muted">
            Spans reach the store within seconds of being accepted, so a trace just sent or uploaded appears shortly:
            trying again every {NOT_FOUND_RETRY_MILLIS / 1000} s.
          </p>
        )}
        {!data.error && (
          <p role="status" className="muted">
            Loading trace {traceId}…
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="trace-page">
      <ErrorBanner error={data.error} />
      <TraceHeader trace={detail} onChanged={data.reload} />
      <details className="trace-io" open>
        <summary>Trace input and output</summary>
        <div className="io-columns">
          <section aria-label="Trace input">
            <h2>Input</h2>
            <Payload value={detail.input} label="Trace input" />
          </section>
          <section aria-label="Trace output">
            <h2>Output</h2>
            <Payload value={detail.output} label="Trace output" />
          </section>
        </div>
      </details>
      <Tabs<TraceTab>
        label="Trace tabs"
        idPrefix="trace"
        active={tab}
        onChange={(t) => setParam('tab', t === 'spans' ? null : t)}
        tabs={[
          { key: 'spans', label: `Spans (${formatCount(detail.span_count)})`, name: 'Spans' },
          {
            key: 'annotations',
            label: `Annotations and scores (${detail.annotations.length + detail.scores.length})`,
            name: 'Annotations and scores',
          },
          { key: 'triggers', label: `Triggers (${detail.fired_triggers.length})`, name: 'Triggers' },
          { key: 'revisions', label: 'Revisions', name: 'Revisions' },
        ]}
      >
        {tab === 'spans' && (
          <>
            {data.loadingMore && (
              <p role="status" className="muted">
                Loading more spans… {formatCount(spans.length)} of {formatCount(detail.span_count)}
              </p>
            )}
            {data.capped && (
              <p role="status" className="warn">
                Showing the first {formatCount(MAX_SPANS)} of {formatCount(detail.span_count)} spans.
              </p>
            )}
            <ErrorBanner error={data.moreError} />
            <SpansView spans={spans} selectedId={selectedId} onSelect={(id) => setParam('span', id)} />
          </>
        )}
        {tab === 'annotations' && <AnnotationsTab trace={detail} onChanged={data.reload} />}
        {tab === 'triggers' && <TriggersTab trace={detail} />}
        {tab === 'revisions' && <RevisionsTab trace={detail} />}
      </Tabs>
    </div>
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    !!target.closest('.cm-editor')
  );
}

/** The split: the tree + waterfall on the left, the selected span's panel on the right. */
function SpansView({
  spans,
  selectedId,
  onSelect,
}: {
  spans: Span[];
  selectedId: string | null;
  onSelect: (spanId: string | null) => void;
}) {
  const tree = useMemo(() => buildSpanTree(spans), [spans]);
  const [collapsedIds, setCollapsedIds] = useState<ReadonlySet<string>>(new Set());
  const [panelOpen, setPanelOpen] = useState(selectedId !== null);
  const [zoom, setZoom] = useState<TimeWindow | null>(null);

  const full: TimeWindow = { start: tree.start, end: Math.max(tree.end, tree.start + 1) };
  const window = zoom ?? full;
  const rows = useMemo(() => {
    const collapsed = new Set<number>();
    for (const id of collapsedIds) {
      const i = tree.byId.get(id);
      if (i !== undefined) collapsed.add(i);
    }
    return visibleRows(tree, collapsed);
  }, [tree, collapsedIds]);
  const selected = selectedId !== null ? (tree.byId.get(selectedId) ?? null) : null;
  const selectedSpan = selected !== null ? tree.nodes[selected].span : null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) setPanelOpen(false);
      else if ((e.key === 'j' || e.key === 'k') && e.target === document.body) {
        // j/k with nothing focused: move in the tree (it takes the focus).
        const grid = document.querySelector<HTMLElement>('[role="treegrid"]');
        if (grid) {
          e.preventDefault();
          grid.focus();
          grid.dispatchEvent(new KeyboardEvent('keydown', { key: e.key, bubbles: true }));
        }
      } else if (e.key === '/' && !isTyping(e.target)) {
        const search = document.querySelector<HTMLInputElement>('.span-panel .attr-search');
        const target = search ?? document.querySelector<HTMLElement>('[role="treegrid"]');
        if (target) {
          e.preventDefault();
          target.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (spans.length === 0) {
    return (
      <p className="muted empty">
        No spans stored for this trace yet. Spans sent to the OTLP endpoint (<code>/v1/traces</code>) or the native
        endpoint appear here as they arrive; this page reloads every 3 s while the trace is in progress.
      </p>
    );
  }

  const toggle = (node: number, expand: boolean) => {
    const id = tree.nodes[node].span.span_id;
    setCollapsedIds((prev) => {
      const next = new Set(prev);
      if (expand) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const zoomed = zoom !== null && (zoom.start > full.start || zoom.end < full.end);

  return (
    <PanelGroup direction="horizontal" autoSaveId="tracefold-trace-split" className="trace-split">
      <Panel defaultSize={62} minSize={30} className="split-left">
        <div role="toolbar" aria-label="Time axis" className="axis-toolbar">
          <button type="button" onClick={() => setZoom(zoomWindow(window, 0.5, full))}>
            Zoom in
          </button>
          <button type="button" disabled={!zoomed} onClick={() => setZoom(zoomWindow(window, 2, full))}>
            Zoom out
          </button>
          <button
            type="button"
            disabled={!selectedSpan}
            onClick={() =>
              selectedSpan && setZoom(windowAround(selectedSpan.start_epoch_nanos, selectedSpan.end_epoch_nanos, full))
            }
          >
            Zoom to span
          </button>
          <button type="button" disabled={!zoomed} onClick={() => setZoom(null)}>
            Reset zoom
          </button>
          <span className="muted axis-range" aria-live="polite">
            {zoomed
              ? `Showing +${formatDuration(window.start - full.start)} to +${formatDuration(window.end - full.start)} of ${formatDuration(full.end - full.start)}`
              : `Whole trace: ${formatDuration(full.end - full.start)} · drag on the ruler to zoom`}
          </span>
        </div>
        <Waterfall
          tree={tree}
          rows={rows}
          selected={selected}
          window={window}
          onSelect={(node) => onSelect(tree.nodes[node].span.span_id)}
          onOpen={(node) => {
            onSelect(tree.nodes[node].span.span_id);
            setPanelOpen(true);
          }}
          onToggle={toggle}
          onZoomRange={(start, end) => setZoom(windowAround(start, end, full))}
        />
      </Panel>
      <PanelResizeHandle className="split-handle" aria-label="Resize span details" />
      <Panel defaultSize={38} minSize={20} className="split-right">
        {panelOpen && selectedSpan ? (
          <SpanPanel span={selectedSpan} traceStart={tree.start} onClose={() => setPanelOpen(false)} />
        ) : (
          <p className="muted empty">
            Select a span to see its input, output, attributes, events and error: click a row, or focus the tree and use
            j/k (or the arrows) then Enter. Esc closes the details.
          </p>
        )}
      </Panel>
    </PanelGroup>
  );
}
