import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, asApiError, storeApiKey } from '../api/client';
import type { ApiError } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';

/**
 * Sign-in: paste an API key once. It is checked against the API (`GET /api/v1/traces?page_size=1`)
 * and kept in the tab's sessionStorage, never in a URL.
 */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError>();
  const [checking, setChecking] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecking(true);
    setError(undefined);
    try {
      await api('/api/v1/traces', { query: { page_size: 1 }, apiKey: key.trim() });
      storeApiKey(key);
      const next = params.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/traces', { replace: true });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Tracefold</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          autoFocus
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="tf_..."
          required
        />
        <button type="submit" disabled={checking || key.trim() === ''}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        <p className="hint">
          The standalone pipeline prints its development key at start-up (<code>API key tf_...</code>) and keeps it in{' '}
          <code>data/dev-api-key</code>; <code>tracefold keys create</code> makes others. The key stays in this tab
          only.
        </p>
        <ErrorBanner error={error} />
      </form>
    </main>
  );
}
