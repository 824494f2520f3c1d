/** Placeholder until the page is built. */
export function QueueReviewPage() {
  return <h1>QueueReviewPage</h1>;
}
