import { credentials, Metadata, type CallOptions, type ServiceError } from "@grpc/grpc-js";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

/** An HTTP server on 127.0.0.1 that probes hit: /healthz 200, /down 503, /gateway 502 naming a hop, /slow never answers. */
export interface HttpTarget {
  port: number;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startHttpTarget(): Promise<HttpTarget> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url === "/healthz") return void res.end("ok");
    if (url === "/down") return void res.writeHead(503).end("down");
    if (url === "/gateway") return void res.writeHead(502, { "x-mesh-failed-hop": "egress-gateway" }).end();
    if (url === "/slow") return; // never answers; closed with the server
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const insecure = credentials.createInsecure();

/** Calls a generated client's unary method as a promise; rejects with the ServiceError. */
export function call<Req, Res>(
  method: (
    request: Req,
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (error: ServiceError | null, response: Res) => void,
  ) => unknown,
  client: object,
  request: Req,
  options: Partial<CallOptions> = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new Metadata(), options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** Reads a server stream to its end; rejects with the stream's error. */
export function collect<T>(stream: NodeJS.EventEmitter): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on("data", (item: T) => items.push(item));
    stream.on("error", reject);
    stream.on("end", () => resolve(items));
  });
}

/** The first `n` messages of a stream. */
export function take<T>(stream: NodeJS.EventEmitter, n: number): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    const onData = (item: T): void => {
      items.push(item);
      if (items.length === n) {
        stream.off("data", onData);
        resolve(items);
      }
    };
    stream.on("data", onData);
    stream.on("error", reject);
  });
}

/** Waits until `predicate` holds, polling; fails after `ms` (a bound on a hang, not a timing assertion). */
export async function eventually(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The error a stream ends with. */
export function streamError(stream: NodeJS.EventEmitter): Promise<ServiceError> {
  return new Promise((resolve) => {
    stream.on("data", () => {});
    stream.on("error", resolve);
  });
}
