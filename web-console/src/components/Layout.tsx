import { useEffect, useState } from 'react';
import { NavLink, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { forgetApiKey, onUnauthorized, storedApiKey } from '../api/client';
import { ThemeToggle } from './ThemeToggle';

const NAV: readonly [string, string][] = [
  ['/traces', 'Traces'],
  ['/sessions', 'Sessions'],
  ['/sets', 'Trace sets'],
  ['/rules', 'Evaluation rules'],
  ['/queues', 'Annotation queues'],
  ['/upload', 'Upload'],
];

/** Every page but sign-in: the navigation bar and the page; sends a tab without a key to sign-in. */
export function Layout() {
  const location = useLocation();
  const navigate = useNavigate();
  const [signedIn, setSignedIn] = useState(() => storedApiKey() !== null);

  useEffect(
    () =>
      onUnauthorized(() => {
        forgetApiKey();
        setSignedIn(false);
      }),
    [],
  );

  if (!signedIn) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="/traces" aria-label="Tracefold home">
          Tracefold
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          <ThemeToggle />
          <button
            type="button"
            onClick={() => {
              forgetApiKey();
              navigate('/sign-in');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
    </div>
  );
}
