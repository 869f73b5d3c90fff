// A route the console does not have.
export function NotFound({ path }: { path: string }) {
  return (
    <section aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <p>The console has no page at <code>{path}</code>. <a href="#/tokens">Go to tokens</a>.</p>
    </section>
  );
}
