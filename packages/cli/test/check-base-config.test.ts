import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GitFixture, protoship, suiteTempDirs } from "@protoship/testkit";
import { findingsOf } from "./fixtures.ts";

const MONEY =
  'syntax = "proto3";\n\npackage acme.common.v1;\n\n// An amount.\nmessage Money {\n  string currency_code = 1;\n  int64 units = 2;\n}\n';
const ORDERS =
  'syntax = "proto3";\n\npackage acme.orders.v1;\n\nimport "acme/common/v1/money.proto";\n\n// An order.\nmessage Order {\n  acme.common.v1.Money total = 1;\n}\n';
const BUF_YAML = "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - FILE\n";

/**
 * `check --against` a base that has no buf.yaml (the adoption pull request) while HEAD's buf.yaml
 * roots the module at `proto`: the base is compiled with HEAD's module roots, so its imports
 * resolve and both images name files alike (`acme/…`, not `proto/acme/…` on one side only).
 */
describe("protoship check against a base without buf.yaml", () => {
  const { fresh } = suiteTempDirs({ before, after });

  it("compiles the base with HEAD's module roots: no base compile error, no FILE_NO_DELETE of every file; real changes are found", async () => {
    const repo = await GitFixture.init(fresh());
    await repo.write("proto/acme/common/v1/money.proto", MONEY);
    await repo.write("proto/acme/orders/v1/orders.proto", ORDERS);
    await repo.commitAll("the API before buf.yaml");
    await repo.git("checkout", "-q", "-b", "adopt");
    await repo.write("buf.yaml", BUF_YAML);
    await repo.commitAll("buf.yaml rooted at proto");

    const adopted = await protoship(repo.dir, ["check", "--against", "main", "--format", "json"]);
    assert.equal(adopted.code, 0, adopted.stdout + adopted.stderr);
    assert.deepEqual(findingsOf(adopted.stdout), []);

    // A field removed and a file deleted in the same pull request: named by their repository paths.
    await repo.write("proto/acme/common/v1/money.proto", MONEY.replace("  int64 units = 2;\n", ""));
    await repo.remove("proto/acme/orders/v1/orders.proto");
    await repo.commitAll("breaking");
    const broken = await protoship(repo.dir, ["check", "--against", "main", "--format", "json"]);
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.deepEqual(
      findingsOf(broken.stdout)
        .map((f) => [f.file, f.rule])
        .sort(),
      [
        ["proto/acme/common/v1/money.proto", "FIELD_NO_DELETE"],
        ["proto/acme/orders/v1/orders.proto", "FILE_NO_DELETE"],
      ],
    );
  });
});
