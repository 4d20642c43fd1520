import { credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import type { Target } from "@mesh/common-v1";
import { HealthCheckResponse, HealthClient } from "@mesh/grpc-health-v1";
import { BeatResponse, GetStatusResponse, HeartbeatServiceClient } from "@mesh/heartbeat-v1";
import {
  AlertState,
  ListAlertsResponse,
  NotificationServiceClient,
  RaiseAlertResponse,
  ResolveAlertResponse,
  Severity,
} from "@mesh/notification-v1";
import { ProbeResponse, ProbeServiceClient, WatchProbeResponse } from "@mesh/probe-v1";
import { Command, InvalidArgumentError } from "commander";
import { toDuration } from "./grpc-util.js";
import { startMeshServer } from "./server.js";

/**
 * `mesh-call`: call the mesh services from a terminal (or serve them). Every answer is printed as
 * the message's canonical JSON, one per line; a gRPC error prints `CODE: details` and exits 1.
 */
export async function run(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const timeoutOption = ["--deadline <ms>", "give up after this many milliseconds", toInt, 10_000] as const;
  const program = new Command("mesh-call").description("Call the mesh probe, heartbeat, notification and health services.").exitOverride();
  const unary = <T>(
    toJSON: (m: T) => unknown,
    call: (deadline: number, done: (error: ServiceError | null, response: T) => void) => void,
  ): Promise<void> =>
    new Promise((resolve) => {
      call(Date.now(), (error, response) => {
        if (error) exitCode = fail(error);
        else print(toJSON(response));
        resolve();
      });
    });

  program
    .command("serve")
    .description("run every mesh service on one port until interrupted")
    .option("--host <host>", "host to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", toInt, 50051)
    .option("--notifications <address>", "notification service for heartbeat alerts (default: this server)")
    .action(async (opts: { host: string; port: number; notifications?: string }) => {
      const server = await startMeshServer({
        host: opts.host,
        port: opts.port,
        ...(opts.notifications ? { notificationsAddress: opts.notifications } : {}),
      });
      process.stdout.write(`listening on ${server.address}\n`);
      await new Promise<void>((resolve) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.close().then(resolve));
      });
    });

  program
    .command("probe <address> <target>")
    .description("probe a target (host:port[/path]) once through the probe service at <address>")
    .option("--timeout <ms>", "how long the probe waits for an answer", toInt, 5000)
    .option(...timeoutOption)
    .action(async (address: string, target: string, opts: { timeout: number; deadline: number }) => {
      const client = new ProbeServiceClient(address, credentials.createInsecure());
      await unary(ProbeResponse.toJSON, (now, done) =>
        client.probe(
          { target: parseTarget(target), timeout: toDuration(opts.timeout) },
          new Metadata(),
          { deadline: now + opts.deadline },
          done,
        ),
      );
      client.close();
    });

  program
    .command("watch-probe <address> <target>")
    .description("probe a target repeatedly and print each outcome")
    .option("--count <n>", "how many probes (0: until interrupted)", toInt, 3)
    .option("--interval <ms>", "time between probes", toInt, 1000)
    .action(async (address: string, target: string, opts: { count: number; interval: number }) => {
      const client = new ProbeServiceClient(address, credentials.createInsecure());
      const stream = client.watchProbe({
        target: parseTarget(target),
        count: opts.count,
        interval: toDuration(opts.interval),
        timeout: undefined,
      });
      process.once("SIGINT", () => stream.cancel());
      await new Promise<void>((resolve) => {
        stream.on("data", (m: WatchProbeResponse) => print(WatchProbeResponse.toJSON(m)));
        stream.on("error", (error: ServiceError) => {
          if (error.code !== status.CANCELLED) exitCode = fail(error);
        });
        stream.on("close", resolve);
      });
      client.close();
    });

  program
    .command("beat <address> <target>")
    .description("run one heartbeat check of the load balancer <target> (host:port[/path])")
    .option("--threshold <n>", "failures in a row that raise an alert", toInt, 3)
    .option(...timeoutOption)
    .action(async (address: string, target: string, opts: { threshold: number; deadline: number }) => {
      const client = new HeartbeatServiceClient(address, credentials.createInsecure());
      const config = { loadBalancer: parseTarget(target), failureThreshold: opts.threshold, timeout: undefined };
      await unary(BeatResponse.toJSON, (now, done) => client.beat({ config }, new Metadata(), { deadline: now + opts.deadline }, done));
      client.close();
    });

  program
    .command("status <address>")
    .description("print the heartbeat state")
    .option(...timeoutOption)
    .action(async (address: string, opts: { deadline: number }) => {
      const client = new HeartbeatServiceClient(address, credentials.createInsecure());
      await unary(GetStatusResponse.toJSON, (now, done) => client.getStatus({}, new Metadata(), { deadline: now + opts.deadline }, done));
      client.close();
    });

  program
    .command("alerts <address>")
    .description("list alerts, newest first")
    .option("--state <state>", "open, resolved or all", "all")
    .option(...timeoutOption)
    .action(async (address: string, opts: { state: string; deadline: number }) => {
      const states: Record<string, AlertState> = {
        all: AlertState.ALERT_STATE_UNSPECIFIED,
        open: AlertState.ALERT_STATE_OPEN,
        resolved: AlertState.ALERT_STATE_RESOLVED,
      };
      const state = states[opts.state];
      if (state === undefined) throw new InvalidArgumentError("--state must be open, resolved or all");
      const client = new NotificationServiceClient(address, credentials.createInsecure());
      await unary(ListAlertsResponse.toJSON, (now, done) =>
        client.listAlerts({ state, pageSize: 0 }, new Metadata(), { deadline: now + opts.deadline }, done),
      );
      client.close();
    });

  program
    .command("raise <address> <dedup-key> <summary>")
    .description("raise an alert (or find the open one with the same key)")
    .option("--severity <severity>", "info, warning or critical", "warning")
    .option(...timeoutOption)
    .action(async (address: string, dedupKey: string, summary: string, opts: { severity: string; deadline: number }) => {
      const severities: Record<string, Severity> = {
        info: Severity.SEVERITY_INFO,
        warning: Severity.SEVERITY_WARNING,
        critical: Severity.SEVERITY_CRITICAL,
      };
      const severity = severities[opts.severity];
      if (severity === undefined) throw new InvalidArgumentError("--severity must be info, warning or critical");
      const client = new NotificationServiceClient(address, credentials.createInsecure());
      await unary(RaiseAlertResponse.toJSON, (now, done) =>
        client.raiseAlert({ dedupKey, summary, severity, target: undefined }, new Metadata(), { deadline: now + opts.deadline }, done),
      );
      client.close();
    });

  program
    .command("resolve <address> <id>")
    .description("resolve an alert")
    .option(...timeoutOption)
    .action(async (address: string, id: string, opts: { deadline: number }) => {
      const client = new NotificationServiceClient(address, credentials.createInsecure());
      await unary(ResolveAlertResponse.toJSON, (now, done) =>
        client.resolveAlert({ id }, new Metadata(), { deadline: now + opts.deadline }, done),
      );
      client.close();
    });

  program
    .command("health <address> [service]")
    .description("standard gRPC health check (empty service: the whole server)")
    .option(...timeoutOption)
    .action(async (address: string, service: string | undefined, opts: { deadline: number }) => {
      const client = new HealthClient(address, credentials.createInsecure());
      await unary(HealthCheckResponse.toJSON, (now, done) =>
        client.check({ service: service ?? "" }, new Metadata(), { deadline: now + opts.deadline }, done),
      );
      client.close();
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version") return 0;
    if (!code?.startsWith("commander.")) process.stderr.write(`mesh-call: ${(error as Error).message}\n`);
    return 2;
  }
  return exitCode;
}

/** `host:port[/path]` as a Target; no path means a plain TCP probe. */
export function parseTarget(text: string): Target {
  const match = /^([^/:]+|\[[^\]]+\]):(\d+)(\/.*)?$/.exec(text);
  if (!match) throw new InvalidArgumentError(`target must be host:port[/path], got ${JSON.stringify(text)}`);
  return { service: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]), path: match[3] ?? "", location: undefined };
}

function toInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

function print(json: unknown): void {
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

function fail(error: ServiceError): number {
  process.stderr.write(`${status[error.code] ?? error.code}: ${error.details}\n`);
  return 1;
}
