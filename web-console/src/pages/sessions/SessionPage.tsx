/** Placeholder until the page is built. */
export function SessionPage() {
  return <h1>SessionPage</h1>;
}
