import { useCallback, useState } from 'react';
import { api, asApiError } from '../../api/client';
import type { ApiError } from '../../api/client';
import type { Page } from '../../api/types';
import { useApi } from '../../api/useApi';
import { usePageParam } from './usePageParam';
import { useListKeys } from './useListKeys';

/** A listed resource: what the list page needs to key, name and delete it. */
export interface ResourceRow {
  id: string;
  name: string;
}

/** The state {@link useResourceList} gives a list page. */
export interface ResourceList<T extends ResourceRow, L extends Page> {
  page: number;
  setPage: (page: number) => void;
  /** The page of the listing loaded last, undefined until the first load. */
  data: L | undefined;
  rows: T[];
  /** The listing's load error, else the last delete's. */
  error: ApiError | null | undefined;
  loading: boolean;
  /** The resource in the form: `new`, one of `rows`, or null for no form. */
  editing: T | 'new' | null;
  setEditing: (editing: T | 'new' | null) => void;
  /** The last outcome in words, e.g. `Rule “x” deleted.` (for a role=status line). */
  notice: string;
  /** Tells the form's save (notice `created`/`saved`), closes the form, loads the list again. */
  saved: (item: T) => void;
  /** Deletes `item` (`DELETE <path>/<id>`), then loads the list again. */
  remove: (item: T) => Promise<void>;
  /** Row selected with j/k (Enter edits it), -1 for none, and its setter. */
  selected: number;
  setSelected: (index: number) => void;
}

/**
 * List, create/edit and delete state of a resource collection at `path` (e.g.
 * `/api/v1/evaluation-rules`, 100 per page, `?page=` in the URL); `rowsOf` picks the rows out of
 * a page; `noun` (`Rule`) starts the notices.
 */
export function useResourceList<T extends ResourceRow, L extends Page>(
  path: string,
  rowsOf: (list: L) => T[],
  noun: string,
): ResourceList<T, L> {
  const [page, setPage] = usePageParam();
  const { data, error, loading, reload } = useApi(
    (signal) => api<L>(path, { query: { page, page_size: 100 }, signal }),
    [path, page],
  );
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const rows = data ? rowsOf(data) : [];
  const edit = useCallback((index: number) => setEditing(rows[index]), [rows]);
  const [selected, setSelected] = useListKeys(rows.length, edit);

  const saved = (item: T) => {
    setNotice(`${noun} “${item.name}” ${editing === 'new' ? 'created' : 'saved'}.`);
    setEditing(null);
    reload();
  };

  const remove = async (item: T) => {
    setActionError(null);
    try {
      await api<void>(`${path}/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
      setNotice(`${noun} “${item.name}” deleted.`);
      if (editing !== 'new' && editing?.id === item.id) setEditing(null);
      reload();
    } catch (e) {
      setActionError(asApiError(e));
    }
  };

  return {
    page,
    setPage,
    data,
    rows,
    error: error ?? actionError,
    loading,
    editing,
    setEditing,
    notice,
    saved,
    remove,
    selected,
    setSelected,
  };
}
