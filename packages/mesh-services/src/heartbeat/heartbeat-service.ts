import { status } from "@grpc/grpc-js";
import type { HeartbeatServiceServer } from "@mesh/heartbeat-v1";
import { callSignal, durationMs, sleep, statusError } from "../grpc-util.js";
import type { HeartbeatChecker } from "./heartbeat-checker.js";

const DEFAULT_INTERVAL_MS = 10_000;

/** mesh.heartbeat.v1.HeartbeatService on top of a {@link HeartbeatChecker}. */
export function heartbeatService(checker: HeartbeatChecker): HeartbeatServiceServer {
  return {
    beat(call, callback) {
      const signal = callSignal(call);
      checker.beat(call.request.config, signal).then(
        (status) => callback(null, { status }),
        (error: Error) => {
          if (!signal.aborted) callback(error);
        },
      );
    },
    getStatus(_call, callback) {
      callback(null, { status: checker.status });
    },
    watchStatus(call) {
      const signal = callSignal(call);
      const interval = durationMs(call.request.interval, DEFAULT_INTERVAL_MS);
      if (interval < 0) return void call.emit("error", statusError(status.INVALID_ARGUMENT, "interval must not be negative"));
      void (async () => {
        try {
          for (;;) {
            call.write({ status: await checker.beat(call.request.config, signal) });
            await sleep(interval, signal);
          }
        } catch (error) {
          if (!signal.aborted) call.emit("error", error as Error);
        }
      })();
    },
  };
}
