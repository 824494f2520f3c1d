/** Placeholder until the page is built. */
export function TracePage() {
  return <h1>TracePage</h1>;
}
