// A tiny static file server for the demo (no dependencies). It serves the
// repository root, so the page can reach ../../loyalty-wasm/pkg/web/ and
// ../programs/cafe.json.
//
//   bash scripts/build-wasm.sh && node examples/web/serve.mjs [port]
//   then open http://127.0.0.1:8000/examples/web/
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
};

export const repoRoot = normalize(join(dirname(fileURLToPath(import.meta.url)), "..", ".."));

/** Starts the server; resolves to it once it listens (port 0: any free port). */
export function serve(port = 0, host = "127.0.0.1") {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(repoRoot, path));
    if (!file.startsWith(repoRoot + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const server = await serve(Number(process.argv[2] ?? 8000));
  console.log(`demo: http://127.0.0.1:${server.address().port}/examples/web/`);
}
