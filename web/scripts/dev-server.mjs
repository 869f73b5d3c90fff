// The console's dev loop: serves a build (node scripts/build.mjs <out> <cc>) and proxies the
// API to a running warden-server, so that the page and the API share one origin, as when
// warden-server serves the console itself. No dependencies beyond Node.
// Usage: node scripts/dev-server.mjs <built-dir> <warden-http-url> [port=5173]
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { extname, join, normalize, resolve, sep } from "node:path";

const [dirArg, upstreamArg, portArg] = process.argv.slice(2);
if (!dirArg || !upstreamArg) {
  console.error("usage: node scripts/dev-server.mjs <built-dir> <warden-http-url> [port=5173]");
  process.exit(2);
}
const root = resolve(dirArg);
const upstream = new URL(upstreamArg);
const port = Number(portArg ?? 5173);

// The same headers warden-server sends with the console's page (server/http/console_routes.cc
// and the router's security headers), so that a CSP violation shows up here first.
const pageHeaders = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };

async function serveFile(res, file, extra) {
  try {
    const body = await readFile(file);
    res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream",
                         "Cache-Control": "no-cache", ...extra });
    res.end(body);
  } catch {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("not found\n");
  }
}

function proxy(req, res) {
  const client = upstream.protocol === "https:" ? https : http;
  const headers = { ...req.headers, host: upstream.host };
  const out = client.request(
    { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port,
      method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
  out.on("error", (err) => {
    if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(`dev-server: cannot reach ${upstream.origin}: ${err.message}\n`);
  });
  req.pipe(out);
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const get = req.method === "GET" || req.method === "HEAD";
  if (get && (path === "/" || path === "/index.html")) {
    return void serveFile(res, join(root, "index.html"), pageHeaders);
  }
  if (get && path.startsWith("/assets/")) {
    const file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(join(root, "assets") + sep)) {
      res.writeHead(404);
      return void res.end();
    }
    return void serveFile(res, file, { "X-Content-Type-Options": "nosniff" });
  }
  proxy(req, res);
});
server.listen(port, "127.0.0.1", () => {
  console.log(`console: http://127.0.0.1:${port}/ (API proxied to ${upstream.origin})`);
});
