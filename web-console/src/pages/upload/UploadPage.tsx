/** Placeholder until the page is built. */
export function UploadPage() {
  return <h1>UploadPage</h1>;
}
