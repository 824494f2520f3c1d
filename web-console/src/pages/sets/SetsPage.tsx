/** Placeholder until the page is built. */
export function SetsPage() {
  return <h1>SetsPage</h1>;
}
