import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { createHash } from "node:crypto";

/** The job status the status functions (success(), failure()...) see. */
export type JobStatus = "success" | "failure";

const CONTEXTS = ["github", "env", "secrets", "inputs", "steps", "runner", "job", "vars", "needs", "matrix", "strategy"];

/**
 * Evaluates one GitHub Actions expression (without `${{ }}`) with GitHub's own parser and
 * evaluator (@actions/expressions), plus the runner's status functions.
 */
export function evaluateExpression(expression: string, context: Record<string, unknown>, status: JobStatus): data.ExpressionData {
  const statusFunctions = [
    { name: "success", minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status === "success") },
    { name: "failure", minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status === "failure") },
    { name: "always", minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    { name: "cancelled", minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) },
    // A stand-in: GitHub hashes the files the patterns match; here the patterns and the commit, so
    // a cache key still changes with the commit (the runner's actions/cache ignores keys anyway).
    {
      name: "hashFiles",
      minArgs: 1,
      maxArgs: 255,
      call: (...args: data.ExpressionData[]) => {
        const sha = String((context.github as { sha?: unknown } | undefined)?.sha ?? "");
        const patterns = args.map((a) => a.coerceString()).join("\0");
        return new data.StringData(createHash("sha256").update(`${sha}\0${patterns}`).digest("hex"));
      },
    },
  ];
  const lexed = new Lexer(expression).lex();
  const tree = new Parser(lexed.tokens, CONTEXTS, statusFunctions).parse();
  const ctx = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return new Evaluator(tree, ctx, new Map(statusFunctions.map((f) => [f.name.toLowerCase(), f]))).evaluate();
}

/** Replaces every `${{ expr }}` in a string value (as in `env:` and `with:`). */
export function interpolate(value: unknown, context: Record<string, unknown>, status: JobStatus = "success"): string {
  const text = typeof value === "string" ? value : String(value);
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => evaluateExpression(expr.trim(), context, status).coerceString());
}

/**
 * A YAML value as GitHub reads it where a whole value may be an expression (`strategy.matrix`, one
 * of its keys): a string that is one `${{ }}` is its result as plain JSON (`fromJSON` gives lists and
 * mappings); anything else is itself.
 */
export function evaluateValue(value: unknown, context: Record<string, unknown>): unknown {
  const whole = typeof value === "string" ? /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value) : null;
  if (!whole) return value;
  return JSON.parse(JSON.stringify(evaluateExpression(whole[1]!.trim(), context, "success"), data.replacer)) as unknown;
}

/** Evaluates a step's `if:` (default `success()`); `${{ }}` around it is optional, as on GitHub. */
export function evaluateCondition(condition: string | boolean | undefined, context: Record<string, unknown>, status: JobStatus): boolean {
  if (condition === undefined || condition === "") return status === "success";
  if (typeof condition === "boolean") return condition && status === "success";
  const expr = condition
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, "$1")
    .trim();
  // GitHub adds an implicit success() unless the condition calls a status function itself.
  const withStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expr) ? expr : `success() && (${expr})`;
  return truthy(evaluateExpression(withStatus, context, status));
}
