/** @jsxImportSource hono/jsx */
/** The login form: the server's access key and secret, posted to `/login`; nothing echoed back. */
import { Layout } from "./layout.tsx";

export function LoginPage(p: { message?: string; next: string }) {
  return (
    <Layout title="Log in">
      <h1>Log in</h1>
      <p class="muted">
        The access key and secret of this server (<code>clearml serve credentials</code>).
      </p>
      {p.message && <p class="error" role="alert">{p.message}</p>}
      <form class="login" method="post" action="/login" autocomplete="off">
        <input type="hidden" name="next" value={p.next} />
        <label>
          Access key <input name="access_key" id="access_key" required autocomplete="off" />
        </label>
        <label>
          Secret key{" "}
          <input
            name="secret_key"
            id="secret_key"
            type="password"
            required
            autocomplete="off"
          />
        </label>
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}
