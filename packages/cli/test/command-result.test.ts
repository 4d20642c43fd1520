import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectOutput, notesBefore, outputBefore } from "../src/command-result.ts";
import { ConfigError, ExitCode, FindingsError, InternalError, ProtoshipError } from "../src/errors.ts";
import { reportError } from "../src/main.ts";

/** What reportError prints on stderr and the exit code it gives. */
function report(error: unknown, verbose = false): { code: number; stderr: string } {
  const original = process.stderr.write;
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: reportError(error, verbose), stderr };
  } finally {
    process.stderr.write = original;
  }
}

const BUG = / — this is a bug in protoship, please report it \(run with --verbose or PROTOSHIP_DEBUG=1 for the stack\)\n$/;

describe("one way out of a command", () => {
  it("an InternalError is exit 3 with the bug wording, its stack only when verbose", () => {
    const plain = report(new InternalError("git cat-file: abc is not a blob"));
    assert.equal(plain.code, ExitCode.Internal);
    assert.match(plain.stderr, /^protoship: internal error: InternalError: git cat-file: abc is not a blob/);
    assert.match(plain.stderr, BUG);
    assert.equal(plain.stderr.split("\n").filter(Boolean).length, 1);
    const verbose = report(new InternalError("broken"), true);
    assert.equal(verbose.code, ExitCode.Internal);
    assert.match(verbose.stderr, /^\s+at /m, "the stack with --verbose");
  });

  it("an InternalError is never a ProtoshipError, so no handler of the user's mistakes turns it into exit 2", () => {
    assert.ok(!(new InternalError("x") instanceof ProtoshipError));
  });

  it("the user's mistake is exit 2 and findings thrown from deep in a command are exit 1, one line with the hint, no bug wording", () => {
    const config = report(new ConfigError("protoship.yaml:1:1: bad", "fix it"));
    assert.deepEqual(config, { code: ExitCode.Usage, stderr: "protoship: protoship.yaml:1:1: bad\n  hint: fix it\n" });
    const findings = report(new FindingsError("the schema does not compile: a.proto:1:1: x"));
    assert.deepEqual(findings, { code: ExitCode.Findings, stderr: "protoship: the schema does not compile: a.proto:1:1: x\n" });
  });

  it("a command returns its verdict with its report; a throw keeps the report written before it", async () => {
    const done = await collectOutput(async (write) => {
      write("published a\n");
      write("published b\n");
      return ExitCode.Findings;
    });
    assert.deepEqual(done, { exitCode: ExitCode.Findings, output: "published a\npublished b\n" });
    const failure = new ProtoshipError("publishing c failed");
    await assert.rejects(
      collectOutput(async (write) => {
        write("published a\n");
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(outputBefore(failure), "published a\n");
    assert.equal(outputBefore(new Error("nothing written")), "");
  });

  it("a command's notes (stderr) come back beside its report (stdout), also when it throws", async () => {
    const done = await collectOutput(async (write, note) => {
      write("plan\n");
      note("comment created\n");
      return ExitCode.Ok;
    });
    assert.deepEqual(done, { exitCode: ExitCode.Ok, output: "plan\n", notes: "comment created\n" });
    const failure = new ProtoshipError("later step failed");
    await assert.rejects(
      collectOutput(async (_write, note) => {
        note("the pre-push hook was not installed\n");
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(notesBefore(failure), "the pre-push hook was not installed\n");
    assert.equal(outputBefore(failure), "");
  });
});
