export { startMeshServer, SERVICE_NAMES, type MeshServer, type MeshServerOptions } from "./server.js";
export { probeTarget, FAILED_HOP_HEADER, type ProbeOptions } from "./probe/probe-target.js";
export { ProbeService, validTarget, type Prober } from "./probe/probe-service.js";
export { HeartbeatChecker } from "./heartbeat/heartbeat-checker.js";
export { heartbeatService } from "./heartbeat/heartbeat-service.js";
export { AlertStore, notificationService } from "./notification/notification-service.js";
export { HealthRegistry } from "./health/health-service.js";
