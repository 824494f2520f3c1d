/** Placeholder until the page is built. */
export function RulesPage() {
  return <h1>RulesPage</h1>;
}
