/** Placeholder until the page is built. */
export function ComparePage() {
  return <h1>ComparePage</h1>;
}
