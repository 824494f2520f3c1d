/**
 * Previous / next paging for the API's `page` + `has_more` listings (sessions, sets, rules,
 * queues). `page` is 1-based; `onPage` gets the page to load.
 */
export function Pager({
  page,
  hasMore,
  onPage,
  label = 'Pages',
}: {
  page: number;
  hasMore: boolean;
  onPage: (page: number) => void;
  label?: string;
}) {
  if (page <= 1 && !hasMore) return null;
  return (
    <nav className="crud-pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous page
      </button>
      <span className="muted">Page {page}</span>
      <button type="button" disabled={!hasMore} onClick={() => onPage(page + 1)}>
        Next page →
      </button>
    </nav>
  );
}
