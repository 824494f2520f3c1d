import { useEffect, useState } from 'react';

/** True when a key press belongs to a text field (typing there must not move the list). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Keyboard for a list page: `j`/`k` move the selected row (index into `count` rows, -1 = none),
 * `Enter` calls `onOpen(index)`, `/` focuses the element with id `searchId` when given.
 * Keys typed in inputs are ignored. Returns the selected index and its setter.
 */
export function useListKeys(
  count: number,
  onOpen: (index: number) => void,
  searchId?: string,
): [number, (index: number) => void] {
  const [selected, setSelected] = useState(-1);
  useEffect(() => {
    if (selected >= count) setSelected(count - 1);
  }, [count, selected]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      if (event.key === 'j') {
        setSelected((s) => Math.min(count - 1, s + 1));
      } else if (event.key === 'k') {
        setSelected((s) => Math.max(0, s - 1));
      } else if (event.key === 'Enter' && selected >= 0 && selected < count) {
        if (event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement) return;
        onOpen(selected);
      } else if (event.key === '/' && searchId) {
        const search = document.getElementById(searchId);
        if (search) {
          event.preventDefault();
          search.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [count, onOpen, searchId, selected]);
  return [selected, setSelected];
}
