import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { exactCost, formatCost, formatDuration } from '../../format';
import type { SpanTree, TreeRow } from './spanTree';
import type { TimeWindow } from './timeAxis';
import { barPosition, ticks } from './timeAxis';
import { kindFamily } from './kinds';

/** Height of one tree row, px (fixed, so 10,000 rows virtualise without measuring). */
export const ROW_HEIGHT = 28;

export interface WaterfallProps {
  tree: SpanTree;
  rows: TreeRow[];
  /** Node index of the selected span, or null. */
  selected: number | null;
  window: TimeWindow;
  onSelect: (node: number) => void;
  /** Enter on the selected row: open its details. */
  onOpen: (node: number) => void;
  onToggle: (node: number, expand: boolean) => void;
  /** A range dragged on the ruler (epoch ns). */
  onZoomRange: (start: number, end: number) => void;
}

/** Row element id for aria-activedescendant. */
export function rowId(node: number): string {
  return `span-row-${node}`;
}

/**
 * The span tree and the waterfall in one virtualised treegrid: each row indents by depth, has an
 * expand/collapse toggle, name, kind, error and orphan badges, duration, the subtree's cost, and a
 * bar on the shared time axis. Keyboard: j/k or Up/Down move, Left/Right collapse/expand (or go to
 * parent/child), Home/End, Enter opens. A ruler with ticks heads the bars; drag on it to zoom.
 */
export function Waterfall({ tree, rows, selected, window, onSelect, onOpen, onToggle, onZoomRange }: WaterfallProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const selectedRow = selected === null ? -1 : rows.findIndex((r) => r.node === selected);
  const scrolledOnce = useRef(false);
  useEffect(() => {
    // A selection from the URL: bring it into view once.
    if (!scrolledOnce.current && selectedRow >= 0) virtualizer.scrollToIndex(selectedRow, { align: 'center' });
    if (rows.length) scrolledOnce.current = true;
  }, [selectedRow, rows.length, virtualizer]);

  const move = (rowIndex: number) => {
    if (rows.length === 0) return;
    const i = Math.max(0, Math.min(rows.length - 1, rowIndex));
    onSelect(rows[i].node);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const row = selectedRow >= 0 ? rows[selectedRow] : undefined;
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        move(selectedRow + 1);
        break;
      case 'k':
      case 'ArrowUp':
        move(selectedRow < 0 ? 0 : selectedRow - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!row) move(0);
        else if (row.hasChildren && !row.expanded) onToggle(row.node, true);
        else if (row.expanded) move(selectedRow + 1);
        break;
      case 'ArrowLeft':
        if (!row) break;
        if (row.expanded) onToggle(row.node, false);
        else if (tree.nodes[row.node].parent !== null)
          move(rows.findIndex((r) => r.node === tree.nodes[row.node].parent));
        break;
      case 'Enter':
      case ' ':
        if (row) onOpen(row.node);
        else move(0);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div className="waterfall">
      <Ruler tree={tree} window={window} onZoomRange={onZoomRange} />
      <div
        ref={scrollRef}
        className="waterfall-scroll"
        role="treegrid"
        aria-label="Spans"
        aria-rowcount={rows.length}
        aria-colcount={2}
        aria-activedescendant={selected !== null && selectedRow >= 0 ? rowId(selected) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return (
              <SpanRow
                key={row.node}
                tree={tree}
                row={row}
                rowIndex={item.index}
                top={item.start}
                selected={row.node === selected}
                window={window}
                onSelect={(node) => {
                  scrollRef.current?.focus({ preventScroll: true });
                  onOpen(node);
                }}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface SpanRowProps {
  tree: SpanTree;
  row: TreeRow;
  rowIndex: number;
  top: number;
  selected: boolean;
  window: TimeWindow;
  onSelect: (node: number) => void;
  onToggle: (node: number, expand: boolean) => void;
}

function SpanRow({ tree, row, rowIndex, top, selected, window, onSelect, onToggle }: SpanRowProps) {
  const node = tree.nodes[row.node];
  const span = node.span;
  const error = span.status === 'ERROR';
  const family = kindFamily(span.kind);
  const bar = barPosition(span.start_epoch_nanos, span.end_epoch_nanos, window);
  const flags = [span.kind, error ? 'error' : null, node.orphan ? 'orphan' : null, node.cycle ? 'cycle' : null]
    .filter(Boolean)
    .join(', ');
  return (
    <div
      id={rowId(row.node)}
      role="row"
      aria-level={row.depth + 1}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-selected={selected}
      aria-rowindex={rowIndex + 1}
      aria-label={`${span.name} (${flags})`}
      className={`span-row${selected ? ' selected' : ''}${error ? ' error' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onSelect(row.node)}
    >
      <div role="gridcell" className="span-cell-tree">
        <span className="indent" style={{ width: Math.min(row.depth, 40) * 14 }} />
        {row.hasChildren ? (
          <button
            type="button"
            className="toggle"
            tabIndex={-1}
            aria-label={`${row.expanded ? 'Collapse' : 'Expand'} ${span.name}`}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(row.node, !row.expanded);
            }}
          >
            {row.expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="toggle-space" />
        )}
        {row.depth > 40 && <span className="badge muted" title={`depth ${row.depth}`}>{`L${row.depth}`}</span>}
        {error && (
          <span className="error-icon" title={span.status_message ?? 'error'}>
            ✕<span className="sr-only"> error</span>
          </span>
        )}
        <span className="span-name" title={span.name}>
          {span.name}
        </span>
        <span className={`badge kind kind-${family}`}>{span.kind}</span>
        {node.orphan && (
          <span className="badge orphan" title={`parent ${span.parent_span_id ?? ''} is not in this trace`}>
            orphan
          </span>
        )}
        {node.cycle && (
          <span className="badge orphan" title="its parent links form a cycle; cut here">
            cycle
          </span>
        )}
        <span className="span-duration" title={`${span.duration_nanos} ns`}>
          {formatDuration(span.duration_nanos)}
        </span>
        <span
          className="span-cost"
          title={`${row.hasChildren ? 'with descendants: ' : ''}${exactCost(node.subtreeCost)}${node.subtreeCostEstimated ? ', estimated' : ''}`}
        >
          {node.subtreeCost === null ? '' : formatCost(node.subtreeCost)}
          {node.subtreeCostEstimated && node.subtreeCost !== null ? '*' : ''}
        </span>
      </div>
      <div role="gridcell" className="span-cell-bar">
        {bar.visible && (
          <div
            className={`bar kind-bg-${family}${error ? ' bar-error' : ''}`}
            style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }}
            title={`${span.name}: ${formatDuration(span.duration_nanos)}`}
          />
        )}
      </div>
    </div>
  );
}

function Ruler({
  tree,
  window,
  onZoomRange,
}: {
  tree: SpanTree;
  window: TimeWindow;
  onZoomRange: (start: number, end: number) => void;
}) {
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const fraction = (e: PointerEvent) => {
    const rect = ref.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width));
  };
  const range = window.end - window.start;
  return (
    <div className="ruler-row" aria-hidden="true">
      <div className="ruler-label">Span · duration · cost (with descendants)</div>
      <div
        ref={ref}
        className="ruler"
        title="Drag to zoom into a time range"
        onPointerDown={(e) => {
          const f = fraction(e);
          setDrag({ from: f, to: f });
          (e.target as Element).setPointerCapture?.(e.pointerId);
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, to: fraction(e) })}
        onPointerUp={() => {
          if (drag && Math.abs(drag.to - drag.from) > 0.01) {
            const a = Math.min(drag.from, drag.to);
            const b = Math.max(drag.from, drag.to);
            onZoomRange(window.start + a * range, window.start + b * range);
          }
          setDrag(null);
        }}
      >
        {ticks(window, tree.start).map((t) => (
          <span key={t.offsetNanos} className="tick" style={{ left: `${t.position * 100}%` }}>
            {t.offsetNanos === 0 ? '0' : `+${formatDuration(t.offsetNanos)}`}
          </span>
        ))}
        {drag && (
          <div
            className="ruler-drag"
            style={{ left: `${Math.min(drag.from, drag.to) * 100}%`, width: `${Math.abs(drag.to - drag.from) * 100}%` }}
          />
        )}
      </div>
    </div>
  );
}
