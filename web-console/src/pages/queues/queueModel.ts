import type { AnnotationQueue, StoredFilter } from '../../api/types';
import { compactFilter } from '../../filters/filter';
import { typedNumber } from '../rules/ruleModel';

/** The queue form's state. */
export interface QueueDraft {
  name: string;
  description: string;
  enabled: boolean;
  filter: StoredFilter;
  /** 0 to 100; empty = the API's default (100). */
  sampling_percent: string;
}

export const EMPTY_QUEUE: QueueDraft = {
  name: '',
  description: '',
  enabled: true,
  filter: {},
  sampling_percent: '100',
};

export function queueDraft(queue: AnnotationQueue): QueueDraft {
  return {
    name: queue.name,
    description: queue.description ?? '',
    enabled: queue.enabled,
    filter: queue.filter ?? {},
    sampling_percent: String(queue.sampling_percent),
  };
}

/** The body of `POST`/`PUT /api/v1/annotation-queues`: every field; no description when empty. */
export function queueBody(draft: QueueDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: draft.name.trim(),
    enabled: draft.enabled,
    filter: compactFilter(draft.filter),
  };
  if (draft.description.trim() !== '') body.description = draft.description.trim();
  if (draft.sampling_percent.trim() !== '') body.sampling_percent = typedNumber(draft.sampling_percent);
  return body;
}

const REVIEWER_KEY = 'tracefold.reviewer';

/** The reviewer's name remembered in localStorage (it is not a secret). */
export function storedReviewer(): string {
  try {
    return localStorage.getItem(REVIEWER_KEY) ?? '';
  } catch {
    return '';
  }
}

export function storeReviewer(name: string): void {
  try {
    localStorage.setItem(REVIEWER_KEY, name.trim());
  } catch {
    // storage unavailable: the name lasts for the page
  }
}
