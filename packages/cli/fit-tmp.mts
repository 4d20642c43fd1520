import { readFileSync, readdirSync } from "node:fs";
import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { readImageCache } from "./src/generate/image-cache.ts";
import { unitWeights } from "./src/generate/unit-weight.ts";
import { protoPackageUnits } from "./src/schema/proto-packages.ts";
import { partition } from "./src/generate/partition.ts";
const root = "/work/main/.cache/bench/generate";
const key = readdirSync(root + "/node_modules/.cache/protoship")[0]!.replace(/^image-|\.binpb$/g, "");
const image = (await readImageCache(root, key))!;
const config: any = { stubs: { exclude: [], names: {} } };
const units = protoPackageUnits(image, config, "@gcp").filter((u) => u.protoPackage.startsWith("google.cloud."));
const w = unitWeights(units, image.files);
const rows = readFileSync("/tmp/perunit.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
const ms = new Map<string, number>(); const out = new Map<string, number>();
for (const r of rows) if (r.units.length === 1) { ms.set(r.units[0], r.ms); out.set(r.units[0], r.out); } else console.log("shared batch", r.ms, "ms");
const own = new Map(units.map((u) => [u.npmName, u.files.reduce((a, f) => a + toBinary(FileDescriptorProtoSchema, f).length, 0)]));
const data = units.map((u) => ({ n: u.npmName, ms: ms.get(u.npmName)!, own: own.get(u.npmName)!, clo: w.get(u.npmName)!, out: out.get(u.npmName)! }));
// least squares ms = a + b*own + c*clo
function fit(xs: number[][], y: number[]) { const k = xs[0]!.length; const A = Array.from({ length: k }, () => new Array(k).fill(0)); const B = new Array(k).fill(0);
  xs.forEach((x, i) => { for (let p = 0; p < k; p++) { B[p] += x[p]! * y[i]!; for (let q = 0; q < k; q++) A[p]![q] += x[p]! * x[q]!; } });
  for (let p = 0; p < k; p++) { for (let r = p + 1; r < k; r++) { const f = A[r]![p]! / A[p]![p]!; for (let q = p; q < k; q++) A[r]![q] -= f * A[p]![q]!; B[r] -= f * B[p]; } }
  const s = new Array(k).fill(0); for (let p = k - 1; p >= 0; p--) { let t = B[p]; for (let q = p + 1; q < k; q++) t -= A[p]![q]! * s[q]; s[p] = t / A[p]![p]!; } return s; }
const y = data.map((d) => d.ms);
const r2 = (pred: number[]) => { const m = y.reduce((a, b) => a + b) / y.length; const ss = y.reduce((a, b, i) => a + (b - pred[i]!) ** 2, 0); const st = y.reduce((a, b) => a + (b - m) ** 2, 0); return (1 - ss / st).toFixed(3); };
for (const [name, f] of [["own", (d: any) => [1, d.own]], ["clo", (d: any) => [1, d.clo]], ["own+clo", (d: any) => [1, d.own, d.clo]], ["out", (d: any) => [1, d.out]]] as const) {
  const xs = data.map(f as any); const c = fit(xs as any, y); const pred = xs.map((x: any) => x.reduce((a: number, v: number, i: number) => a + v * c[i], 0));
  console.log(name, c.map((v) => v.toPrecision(3)).join(" "), "R2", r2(pred));
}
console.log("total ms", y.reduce((a, b) => a + b), "top:", data.sort((a, b) => b.ms - a.ms).slice(0, 6).map((d) => `${d.n} ${d.ms}ms own=${d.own} clo=${d.clo}`).join("\n"));
// simulate shard sums (sum of unit ms) under weights
const sim = (wf: (d: any) => number, label: string) => { const bins = partition(data, 4, wf, (d) => d.n); console.log(label, bins.map((b) => (b.reduce((a, d) => a + d.ms, 0) / 1000).toFixed(0) + "s/" + b.length).join(" ")); };
sim((d) => d.clo, "closure (now)"); sim((d) => d.own, "own"); sim((d) => d.ms, "oracle");
for (const k of [0, 5000, 10000, 20000, 30000, 50000]) { const bins = partition(data, 4, (d) => d.own + k, (d) => d.n); const sums = bins.map((b) => b.reduce((a, d) => a + d.ms - 250, 0) / 1000); console.log("own+" + k, sums.map((s) => s.toFixed(0)).join(" "), "max", Math.max(...sums).toFixed(0)); }
for (const k of [0, 20000, 50000]) { const bins = partition(data, 4, (d) => d.clo + k, (d) => d.n); const sums = bins.map((b) => b.reduce((a, d) => a + d.ms - 250, 0) / 1000); console.log("clo+" + k, sums.map((s) => s.toFixed(0)).join(" "), "max", Math.max(...sums).toFixed(0)); }
