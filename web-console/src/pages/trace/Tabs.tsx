import { useRef } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';

export interface TabDef<K extends string> {
  key: K;
  label: ReactNode;
  /** Accessible name when the label is not plain text. */
  name?: string;
}

/**
 * A WAI-ARIA tablist: Left/Right/Home/End move between tabs; the panel below is labelled by the
 * active tab (ids from `idPrefix`).
 */
export function Tabs<K extends string>({
  tabs,
  active,
  onChange,
  label,
  idPrefix,
  children,
}: {
  tabs: TabDef<K>[];
  active: K;
  onChange: (key: K) => void;
  label: string;
  idPrefix: string;
  children: ReactNode;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.key === active);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    e.stopPropagation();
    onChange(tabs[next].key);
    refs.current[next]?.focus();
  };
  return (
    <>
      <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKeyDown}>
        {tabs.map((t, i) => (
          <button
            key={t.key}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${t.key}`}
            aria-controls={`${idPrefix}-panel`}
            aria-selected={t.key === active}
            aria-label={t.name}
            tabIndex={t.key === active ? 0 : -1}
            className={t.key === active ? 'active' : undefined}
            onClick={() => onChange(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${active}`} className="tab-panel">
        {children}
      </div>
    </>
  );
}
