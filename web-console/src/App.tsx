import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import type { RouteObject } from 'react-router';
import { Layout } from './components/Layout';
import { SignInPage } from './pages/SignInPage';
import { TracesPage } from './pages/traces/TracesPage';
import { TracePage } from './pages/trace/TracePage';
import { SessionsPage } from './pages/sessions/SessionsPage';
import { SessionPage } from './pages/sessions/SessionPage';
import { ComparePage } from './pages/compare/ComparePage';
import { RulesPage } from './pages/rules/RulesPage';
import { QueuesPage } from './pages/queues/QueuesPage';
import { QueueReviewPage } from './pages/queues/QueueReviewPage';
import { SetsPage } from './pages/sets/SetsPage';
import { SetPage } from './pages/sets/SetPage';
import { UploadPage } from './pages/upload/UploadPage';

/**
 * The console's pages, one URL each (filters, sort and selection in the query string). The
 * server answers every one of these paths with index.html (WebConsole.java, PAGE_PREFIXES): a
 * new top-level path must be added there too.
 */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/traces" replace /> },
      { path: '/traces', element: <TracesPage /> },
      { path: '/traces/:traceId', element: <TracePage /> },
      { path: '/sessions', element: <SessionsPage /> },
      { path: '/sessions/:sessionId', element: <SessionPage /> },
      { path: '/compare', element: <ComparePage /> },
      { path: '/rules', element: <RulesPage /> },
      { path: '/queues', element: <QueuesPage /> },
      { path: '/queues/:queueId/review', element: <QueueReviewPage /> },
      { path: '/sets', element: <SetsPage /> },
      { path: '/sets/:setId', element: <SetPage /> },
      { path: '/upload', element: <UploadPage /> },
      { path: '*', element: <Navigate to="/traces" replace /> },
    ],
  },
];

export function App() {
  return <RouterProvider router={createBrowserRouter(routes)} />;
}
