import type { StoredFilter } from '../../api/types';
import { compactFilter } from '../../filters/filter';
import { typedNumber } from '../rules/ruleModel';

/** The new-set form's state. */
export interface SetDraft {
  name: string;
  description: string;
  mode: 'filter' | 'ids';
  filter: StoredFilter;
  /** Newest matching traces to take, 1 to 10,000; empty = the API's default. */
  limit: string;
  /** Pasted trace ids, separated by whitespace, commas or semicolons. */
  ids: string;
}

export const EMPTY_SET: SetDraft = { name: '', description: '', mode: 'filter', filter: {}, limit: '500', ids: '' };

/** The ids in pasted text: split on whitespace, commas and semicolons, quotes stripped, repeats dropped, order kept. */
export function parseTraceIds(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(/[\s,;]+/)) {
    const id = raw.replace(/^["'[]+|["'\]]+$/g, '');
    if (id) seen.add(id);
  }
  return [...seen];
}

/** The body of `POST /api/v1/trace-sets`: `filter` + `limit`, or `trace_ids`. */
export function setBody(draft: SetDraft): Record<string, unknown> {
  const body: Record<string, unknown> = { name: draft.name.trim() };
  if (draft.description.trim() !== '') body.description = draft.description.trim();
  if (draft.mode === 'filter') {
    body.filter = compactFilter(draft.filter);
    if (draft.limit.trim() !== '') body.limit = typedNumber(draft.limit);
  } else {
    body.trace_ids = parseTraceIds(draft.ids);
  }
  return body;
}
