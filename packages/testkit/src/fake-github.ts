import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One issue comment the fake API holds. */
export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** A request the fake API received: method, path with query, and the JSON body if any. */
export interface FakeRequest {
  method: string;
  path: string;
  body: unknown;
}

/** A running fake of GitHub's issue-comment REST API on 127.0.0.1. */
export interface FakeGitHub {
  /** Root URL, as GITHUB_API_URL. */
  url: string;
  /** The comments of each issue, by "owner/name#number". */
  comments: Map<string, FakeComment[]>;
  requests: FakeRequest[];
  stop(): Promise<void>;
}

/**
 * A tiny stand-in for the three issue-comment endpoints of GitHub's REST API — list (paginated with
 * `per_page`/`page` and a Link header, as GitHub does), create and edit — and `GET /user`, that
 * answers 401 to any token but `token`, and 404 to an unknown comment or a path it does not know.
 * The token acts as `options.user` (a personal access token: `GET /user` names it, comments are
 * its), or by default as GitHub Actions' GITHUB_TOKEN does: `GET /user` is 403 "Resource not
 * accessible by integration" and comments are `github-actions[bot]`'s.
 */
export async function startFakeGitHub(token: string, options: { user?: FakeComment["user"] } = {}): Promise<FakeGitHub> {
  const author = options.user ?? { login: "github-actions[bot]", type: "Bot" };
  const comments = new Map<string, FakeComment[]>();
  const requests: FakeRequest[] = [];
  let nextId = 1000;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => send(res, 500, { message: error.message }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const text = await new Promise<string>((resolve) => {
      let data = "";
      req
        .setEncoding("utf8")
        .on("data", (d: string) => (data += d))
        .on("end", () => resolve(data));
    });
    const body: unknown = text ? JSON.parse(text) : undefined;
    requests.push({ method: req.method ?? "", path: url.pathname + url.search, body });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: "Bad credentials" });
    if (url.pathname === "/user" && req.method === "GET") {
      if (!options.user) return send(res, 403, { message: "Resource not accessible by integration" });
      return send(res, 200, { ...options.user, id: 1 });
    }
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const edit = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === "GET") {
      const all = comments.get(`${list[1]}/${list[2]}#${list[3]}`) ?? [];
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
      }
      return send(res, 200, all.slice((page - 1) * perPage, page * perPage).map(view), headers);
    }
    if (list && req.method === "POST") {
      const key = `${list[1]}/${list[2]}#${list[3]}`;
      const comment = { id: ++nextId, body: (body as { body: string }).body, user: { ...author } };
      comments.set(key, [...(comments.get(key) ?? []), comment]);
      return send(res, 201, view(comment));
    }
    if (edit && req.method === "PATCH") {
      const comment = [...comments.values()].flat().find((c) => c.id === Number(edit[3]));
      if (!comment) return send(res, 404, { message: "Not Found" });
      // As GitHub answers a token without admin rights that edits someone else's comment.
      if (comment.user.login !== author.login) return send(res, 403, { message: "Must have admin rights to Repository." });
      comment.body = (body as { body: string }).body;
      return send(res, 200, view(comment));
    }
    send(res, 404, { message: "Not Found" });
  }
  const view = (c: FakeComment) => ({ ...c, html_url: `https://github.invalid/comments/${c.id}` });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(json));
}
