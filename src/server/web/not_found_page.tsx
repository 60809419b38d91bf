/** @jsxImportSource hono/jsx */
/** A page for a task, project or path that does not exist (status 404). */
import { Layout } from "./layout.tsx";

export function NotFoundPage(p: { message: string }) {
  return (
    <Layout title="Not found" user>
      <h1>Not found</h1>
      <p>{p.message}</p>
      <p>
        <a href="/projects">Projects</a>
      </p>
    </Layout>
  );
}
