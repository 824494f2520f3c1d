import type { ApiError } from '../../api/client';
import { ErrorBanner } from '../ErrorBanner';

/**
 * A page's load state: the error banner (nothing without `error`) and, while `loading`,
 * `text` as a muted paragraph (e.g. `Loading rules…`).
 */
export function LoadStatus({
  error,
  loading,
  text,
}: {
  error: ApiError | Error | null | undefined;
  loading: boolean;
  text: string;
}) {
  return (
    <>
      <ErrorBanner error={error} />
      {loading && <p className="muted">{text}</p>}
    </>
  );
}
