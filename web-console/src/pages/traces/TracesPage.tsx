/** Placeholder until the page is built. */
export function TracesPage() {
  return <h1>TracesPage</h1>;
}
