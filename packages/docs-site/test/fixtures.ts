import path from "node:path";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DocModel, PackageVersions } from "../src/index.js";

/** /work/main (or the CI clone): the monorepo root. */
export const repoRoot = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** The protoc-gen-doc golden JSON, kept beside the repo in shared/. */
export function loadGoldenModel(): DocModel {
  const file = path.resolve(repoRoot, "../shared/conformance/protoc-gen-doc/golden/example.json");
  return JSON.parse(readFileSync(file, "utf8")) as DocModel;
}

/** Hostile comment: every construct must end up as inert text. */
export const INJECTED =
  'Evil <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1"> ' +
  "and [click](javascript:window.__pwned=1) and */ end.";

/** Two packages with cross-package type references, maps, oneofs, streaming, deprecation. */
export const handModel: DocModel = {
  files: [
    {
      name: "acme/shop/v1/shop.proto",
      package: "acme.shop.v1",
      description: "Shop API. " + INJECTED,
      messages: [
        {
          name: "Order",
          longName: "Order",
          fullName: "acme.shop.v1.Order",
          description: "An order placed by a customer.",
          fields: [
            {
              name: "id",
              description: "Order id.",
              label: "",
              type: "string",
              longType: "string",
              fullType: "string",
              ismap: false,
              isoneof: false,
              oneofdecl: "",
              defaultValue: "",
              jsonName: "id",
              number: 1,
            },
            {
              name: "customer",
              description: "Who ordered.",
              label: "",
              type: "Customer",
              longType: "Customer",
              fullType: "acme.common.v1.Customer",
              ismap: false,
              isoneof: false,
              oneofdecl: "",
              defaultValue: "",
              jsonName: "customer",
              number: 2,
            },
            {
              name: "labels",
              description: "Free-form labels.",
              label: "repeated",
              type: "LabelsEntry",
              longType: "Order.LabelsEntry",
              fullType: "acme.shop.v1.Order.LabelsEntry",
              ismap: true,
              isoneof: false,
              oneofdecl: "",
              defaultValue: "",
              jsonName: "labels",
              number: 3,
            },
            {
              name: "card_token",
              description: "Pay by card.",
              label: "",
              type: "string",
              longType: "string",
              fullType: "string",
              ismap: false,
              isoneof: true,
              oneofdecl: "payment",
              defaultValue: "",
              jsonName: "cardToken",
              number: 4,
            },
            {
              name: "voucher",
              description: "Pay by voucher.",
              label: "",
              type: "string",
              longType: "string",
              fullType: "string",
              ismap: false,
              isoneof: true,
              oneofdecl: "payment",
              defaultValue: "",
              jsonName: "voucher",
              number: 5,
            },
            {
              name: "legacy_code",
              description: "Old code. " + INJECTED,
              label: "",
              type: "string",
              longType: "string",
              fullType: "string",
              ismap: false,
              isoneof: false,
              oneofdecl: "",
              defaultValue: "",
              options: { deprecated: true },
              jsonName: "legacyCode",
              number: 6,
            },
          ],
        },
        {
          name: "LabelsEntry",
          longName: "Order.LabelsEntry",
          fullName: "acme.shop.v1.Order.LabelsEntry",
          description: "",
          fields: [
            { name: "key", description: "", label: "", type: "string", longType: "string", fullType: "string" },
            { name: "value", description: "", label: "", type: "Status", longType: "Status", fullType: "acme.common.v1.Status" },
          ],
        },
        {
          name: "GetOrderRequest",
          longName: "GetOrderRequest",
          fullName: "acme.shop.v1.GetOrderRequest",
          description: "Request for GetOrder.",
          fields: [{ name: "id", description: "Order id.", label: "", type: "string", longType: "string", fullType: "string" }],
        },
      ],
      enums: [],
      extensions: [],
      services: [
        {
          name: "OrderService",
          longName: "OrderService",
          fullName: "acme.shop.v1.OrderService",
          description: "Manages orders.",
          methods: [
            {
              name: "GetOrder",
              description: "Fetches one order. " + INJECTED,
              requestType: "GetOrderRequest",
              requestLongType: "GetOrderRequest",
              requestFullType: "acme.shop.v1.GetOrderRequest",
              requestStreaming: false,
              responseType: "Order",
              responseLongType: "Order",
              responseFullType: "acme.shop.v1.Order",
              responseStreaming: false,
              options: { "google.api.http": { rules: [{ method: "GET", pattern: "/v1/orders/{id}", body: "" }] } },
            },
            {
              name: "WatchOrders",
              description: "Streams order updates.",
              requestType: "Customer",
              requestLongType: "Customer",
              requestFullType: "acme.common.v1.Customer",
              requestStreaming: true,
              responseType: "Order",
              responseLongType: "Order",
              responseFullType: "acme.shop.v1.Order",
              responseStreaming: true,
              deprecated: true,
            },
          ],
        },
      ],
    },
    {
      name: "acme/common/v1/common.proto",
      package: "acme.common.v1",
      description: "Common types shared by all APIs.",
      messages: [
        {
          name: "Customer",
          longName: "Customer",
          fullName: "acme.common.v1.Customer",
          description: "A customer.",
          fields: [
            { name: "name", description: "Display name.", label: "", type: "string", longType: "string", fullType: "string" },
            {
              name: "status",
              description: "Account status.",
              label: "",
              type: "Status",
              longType: "Status",
              fullType: "acme.common.v1.Status",
            },
          ],
        },
      ],
      enums: [
        {
          name: "Status",
          longName: "Status",
          fullName: "acme.common.v1.Status",
          description: "Account status.",
          values: [
            { name: "STATUS_UNSPECIFIED", number: "0", description: "Unknown." },
            { name: "STATUS_ACTIVE", number: "1", description: "Active." },
            { name: "STATUS_BANNED", number: "2", description: "Banned.", options: { deprecated: true } },
          ],
        },
      ],
      services: [],
      extensions: [],
    },
  ],
};

/** Release history in the shape the release engineer will provide. */
export const versions: PackageVersions[] = [
  {
    package: "acme.shop.v1",
    versions: [
      { version: "1.1.0", date: "2026-11-20", changelog: ["Added `WatchOrders`.", "Hostile: <script>window.__pwned=1</script>"] },
      { version: "1.0.0", date: "2026-10-01", changelog: ["First release."] },
    ],
  },
];

/** A long RST reference, as large public APIs write them (it overflowed field tables). */
const LONG_REF = ":ref:`Thresholds<api_msg_config.cluster.v3.CircuitBreakers.Thresholds>`";
const LONG_CODE = "`envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType.AUTO`";

/** The package comment of mesh.common.v1, carried by its second file only (sorted order decides). */
export const MESH_COMMON_COMMENT = "Types shared by every mesh API: where a target lives and how an outcome is reported.";

export const ENVOY_FILTER_COMMENT = "Configuration for the alternate protocols cache HTTP filter.";

const field = (name: string, fullType: string, description: string, extra: Record<string, unknown> = {}) => ({
  name,
  description,
  label: "",
  type: fullType.slice(fullType.lastIndexOf(".") + 1),
  longType: fullType,
  fullType,
  ismap: false,
  isoneof: false,
  oneofdecl: "",
  defaultValue: "",
  jsonName: name,
  ...extra,
});

/**
 * Comments in reStructuredText with long code spans and references, well-known types the module
 * does not contain, validation rules, proto3 fields without labels, a package comment.
 */
export const readingModel: DocModel = {
  files: [
    {
      name: "envoy/config/cluster/v3/circuit_breaker.proto",
      package: "envoy.config.cluster.v3",
      description: "",
      packageDescription: "Cluster configuration: circuit breakers, thresholds and outlier detection.",
      messages: [
        {
          name: "CircuitBreakers",
          longName: "CircuitBreakers",
          fullName: "envoy.config.cluster.v3.CircuitBreakers",
          description:
            `:ref:\`Circuit breaking<arch_overview_circuit_break>\` settings. See ${LONG_REF} and ${LONG_CODE}.\n\n` +
            ".. code-block:: yaml\n\n  thresholds:\n  - priority: HIGH\n    max_connections: 1024\n\n" +
            ".. note::\n\n  Unset thresholds use the defaults of :ref:`api_field_config.cluster.v3.CircuitBreakers.thresholds`.",
          fields: [
            field(
              "thresholds",
              "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
              `If multiple ${LONG_REF} are defined with the same ${LONG_CODE}, the first one applies; a ${LONG_REF} without priority is DEFAULT.`,
              { label: "repeated", number: 1 },
            ),
            field("connect_timeout", "google.protobuf.Duration", `The timeout for new connections, see ${LONG_CODE}.`, {
              number: 2,
              options: { "validate.rules": [{ name: "duration.gt", value: {} }] },
            }),
            field("name", "string", "Name of the breaker.", {
              number: 3,
              options: {
                "buf.validate.field": [
                  { name: "string.min_len", value: 1 },
                  { name: "string.in", value: ["a", "b"] },
                  { name: "required", value: true },
                ],
              },
            }),
            field("budget", "google.protobuf.DoubleValue", "Retry budget, as a percentage.", { number: 4 }),
            field("updated", "google.protobuf.Timestamp", "When it was last changed.", { number: 5 }),
            field("mask", "google.protobuf.FieldMask", "Fields set.", { number: 6 }),
            // Envoy's longest names: wider than a phone unless they wrap between their words.
            field(
              "max_inbound_window_update_frames_per_data_frame_sent",
              "google.protobuf.UInt32Value",
              "Limits WINDOW_UPDATE frames; see :ref:`the HTTP/2 protocol\noptions <envoy_v3_api_msg_config.cluster.v3.CircuitBreakers>`.\n[#not-implemented-hide:]",
              { number: 7 },
            ),
            field("set_local_interface_name_on_upstream_connections", "bool", "Names the interface.", { number: 8 }),
            field("policy", "envoy.config.cluster.v3.LbPolicy", "How hosts are picked.", { number: 9 }),
          ],
        },
        {
          name: "HealthCheckRequestOrEndpointHealthResponse",
          longName: "HealthCheckRequestOrEndpointHealthResponse",
          fullName: "envoy.config.cluster.v3.HealthCheckRequestOrEndpointHealthResponse",
          description: "[#next-free-field: 3]",
          fields: [],
        },
        {
          name: "Thresholds",
          longName: "CircuitBreakers.Thresholds",
          fullName: "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
          description: `Limits per priority. ${LONG_CODE}`,
          fields: [field("max_connections", "google.protobuf.UInt32Value", `Maximum connections; see ${LONG_REF}.`, { number: 1 })],
        },
      ],
      enums: [
        {
          name: "LbPolicy",
          longName: "LbPolicy",
          fullName: "envoy.config.cluster.v3.LbPolicy",
          description: "",
          values: [{ name: "ALWAYS_USE_THE_FIRST_HOST_IN_THE_LOCALITY_WEIGHTED_LIST", number: "0", description: "" }],
        },
      ],
      services: [
        {
          name: "BreakerService",
          longName: "BreakerService",
          fullName: "envoy.config.cluster.v3.BreakerService",
          description: "Manages breakers.",
          methods: [
            {
              name: "Reset",
              description: "Resets all breakers.",
              requestType: "Empty",
              requestLongType: "google.protobuf.Empty",
              requestFullType: "google.protobuf.Empty",
              responseType: "CircuitBreakers",
              responseLongType: "CircuitBreakers",
              responseFullType: "envoy.config.cluster.v3.CircuitBreakers",
            },
            {
              name: "StreamHealthCheck",
              description: "",
              requestType: "HealthCheckRequestOrEndpointHealthResponse",
              requestLongType: "HealthCheckRequestOrEndpointHealthResponse",
              requestFullType: "envoy.config.cluster.v3.HealthCheckRequestOrEndpointHealthResponse",
              requestStreaming: true,
              responseType: "Empty",
              responseLongType: "google.protobuf.Empty",
              responseFullType: "google.protobuf.Empty",
            },
          ],
        },
      ],
      extensions: [],
    },
    {
      // A path wider than the content column beside the sidebar; Envoy's annotations in its comment.
      name: "envoy/extensions/filters/http/alternate_protocols_cache/v3/alternate_protocols_cache.proto",
      package: "envoy.extensions.filters.http.alternate_protocols_cache.v3",
      description: "",
      packageDescription: "",
      messages: [
        {
          name: "Options",
          longName: "Options",
          fullName: "envoy.extensions.filters.http.alternate_protocols_cache.v3.Options",
          description: "[#next-free-field: 3]\n[#comment: bookkeeping only]",
          fields: [],
        },
        {
          name: "FilterConfig",
          longName: "FilterConfig",
          fullName: "envoy.extensions.filters.http.alternate_protocols_cache.v3.FilterConfig",
          description: `[#next-free-field: 3]\n${ENVOY_FILTER_COMMENT}\n[#extension: envoy.filters.http.alternate_protocols_cache]`,
          fields: [],
        },
      ],
    },
    {
      name: "mesh/common/v1/a_location.proto",
      package: "mesh.common.v1",
      description: "",
      packageDescription: "",
      messages: [
        {
          name: "Location",
          longName: "Location",
          fullName: "mesh.common.v1.Location",
          description: "A cluster within a data centre.",
          fields: [],
        },
      ],
    },
    {
      name: "mesh/common/v1/target.proto",
      package: "mesh.common.v1",
      description: "",
      packageDescription: MESH_COMMON_COMMENT,
      messages: [
        {
          name: "Target",
          longName: "Target",
          fullName: "mesh.common.v1.Target",
          description: "A workload reachable through the mesh.",
          fields: [field("timeout", "google.protobuf.Duration", "Probe timeout.", { number: 1 })],
        },
      ],
    },
  ],
};

/** The hand-made model as it was at release 1.0.0: `OrderService` without `WatchOrders`. */
export function handModelAt100(): DocModel {
  const model = structuredClone(handModel);
  for (const file of model.files) {
    for (const s of file.services ?? []) s.methods = (s.methods ?? []).filter((m) => m.name !== "WatchOrders");
  }
  return model;
}

/**
 * Release history with the schema of each release (as `protoship docs` passes it from the tags);
 * `calls` counts how often each snapshot's model was loaded.
 */
export function versionsWithSnapshots(commits = { v100: "c100", v110: "c110" }): {
  versions: PackageVersions[];
  calls: Record<string, number>;
} {
  const calls: Record<string, number> = {};
  const snapshot = (commit: string, model: () => DocModel) => ({
    commit,
    model: async () => {
      calls[commit] = (calls[commit] ?? 0) + 1;
      return model();
    },
  });
  const [latest, first] = versions[0]!.versions;
  return {
    calls,
    versions: [
      {
        package: "acme.shop.v1",
        versions: [
          { ...latest!, snapshot: snapshot(commits.v110, () => structuredClone(handModel)) },
          { ...first!, snapshot: snapshot(commits.v100, handModelAt100) },
        ],
      },
    ],
  };
}
