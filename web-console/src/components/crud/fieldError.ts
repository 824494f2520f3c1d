import { ApiError } from '../../api/client';

/**
 * The form field an API 400 names: its `parameter` up to the first dot (`filter.status` is the
 * `filter` field), or null when the error names no parameter or is not an ApiError.
 */
export function fieldOfError(error: unknown): string | null {
  if (!(error instanceof ApiError) || !error.parameter) return null;
  const dot = error.parameter.indexOf('.');
  return dot < 0 ? error.parameter : error.parameter.slice(0, dot);
}
