import { credentials, Server, ServerCredentials } from "@grpc/grpc-js";
import type { Location } from "@mesh/common-v1";
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthService } from "@mesh/grpc-health-v1";
import { HeartbeatServiceService } from "@mesh/heartbeat-v1";
import { NotificationServiceClient, NotificationServiceService } from "@mesh/notification-v1";
import { ProbeServiceService } from "@mesh/probe-v1";
import { HealthRegistry } from "./health/health-service.js";
import { HeartbeatChecker } from "./heartbeat/heartbeat-checker.js";
import { heartbeatService } from "./heartbeat/heartbeat-service.js";
import { AlertStore, notificationService } from "./notification/notification-service.js";
import { ProbeService, type Prober } from "./probe/probe-service.js";
import { probeTarget } from "./probe/probe-target.js";

/** Where and how to run the mesh services. */
export interface MeshServerOptions {
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** The notification service the heartbeat alerts through (default: this server's own). */
  notificationsAddress?: string;
  /** The cluster this probe pod runs in, reported with every probe. */
  probedFrom?: Location;
  /** How probes are sent (default: over the network). */
  prober?: Prober;
}

/** A running server with every mesh service, and handles on their state. */
export interface MeshServer {
  /** host:port the server listens on. */
  address: string;
  port: number;
  health: HealthRegistry;
  alerts: AlertStore;
  probe: ProbeService;
  heartbeat: HeartbeatChecker;
  /** Marks every service NOT_SERVING, then stops (in-flight calls are cancelled after a grace period). */
  close(): Promise<void>;
}

/** The gRPC service names this server serves, as health checks name them. */
export const SERVICE_NAMES = [
  "mesh.probe.v1.ProbeService",
  "mesh.heartbeat.v1.HeartbeatService",
  "mesh.notification.v1.NotificationService",
] as const;

/** Starts the probe, heartbeat, notification and health services on one gRPC server. */
export async function startMeshServer(options: MeshServerOptions = {}): Promise<MeshServer> {
  const host = options.host ?? "127.0.0.1";
  const server = new Server();
  const health = new HealthRegistry();
  const alerts = new AlertStore();
  const prober = options.prober ?? probeTarget;
  const probe = new ProbeService({ prober, ...(options.probedFrom ? { probedFrom: options.probedFrom } : {}) });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const notifications = new NotificationServiceClient(options.notificationsAddress ?? address, credentials.createInsecure());
  const heartbeat = new HeartbeatChecker({ prober, notifications });

  server.addService(ProbeServiceService, probe.implementation);
  server.addService(HeartbeatServiceService, heartbeatService(heartbeat));
  server.addService(NotificationServiceService, notificationService(alerts));
  server.addService(HealthService, health.implementation);
  health.set("", ServingStatus.SERVING);
  for (const name of SERVICE_NAMES) health.set(name, ServingStatus.SERVING);

  return {
    address,
    port,
    health,
    alerts,
    probe,
    heartbeat,
    close: async () => {
      health.shutdown();
      notifications.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
