/** Placeholder until the page is built. */
export function SetPage() {
  return <h1>SetPage</h1>;
}
