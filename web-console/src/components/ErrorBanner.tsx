import type { ApiError } from '../api/client';

/** Shows an API error as the API words it (it says what to do), with the parameter at fault. */
export function ErrorBanner({ error }: { error: ApiError | Error | undefined | null }) {
  if (!error) return null;
  const parameter = 'parameter' in error && error.parameter ? ` (${error.parameter})` : '';
  return (
    <div role="alert" className="error-banner">
      <strong>Error{parameter}:</strong> <span>{error.message}</span>
    </div>
  );
}
