/** Placeholder until the page is built. */
export function SessionsPage() {
  return <h1>SessionsPage</h1>;
}
