import { ProtoshipError } from "../errors.js";

/**
 * Environment variable names whose values are secrets wherever they appear: any name containing
 * TOKEN, SECRET, PASSWORD (PASSWD), CREDENTIAL or AUTH (not AUTHOR: GIT_AUTHOR_NAME is not a
 * secret), in any case: NODE_AUTH_TOKEN, NPM_PUBLISH_TOKEN, npm_config__auth, DB_Password…
 */
const SECRET_NAME = /TOKEN|SECRET|PASSW(?:OR)?D|CREDENTIAL|AUTH(?!OR)/i;
/** Shorter values are not redacted: "1" or "true" would blank out unrelated output. */
const MIN_SECRET_LENGTH = 6;

/** Shapes of tokens npm and registries print: npm tokens, bearer headers, .npmrc auth, JWTs. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bnpm_[A-Za-z0-9]{20,}\b/g,
  /(_auth(?:Token)?\s*=\s*)\S+/gi,
  /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g,
  /(\/\/[^\s/:@]+:)[^\s/@]+@/g, // credentials in a URL: //user:pass@host
];

/**
 * Removes secrets from text before it is printed: the value of every variable of `env` whose name
 * looks like a secret (see SECRET_NAME; longest first, so a secret holding another is removed
 * whole), and anything shaped like a token.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  const values = Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join("***");
  for (const pattern of TOKEN_PATTERNS)
    out = out.replace(pattern, (_m, prefix?: string) => `${typeof prefix === "string" ? prefix : ""}***`);
  return out;
}

/**
 * The same error with {@link redact} applied to everything main() may print of it: message, hint
 * and (for an unexpected error) stack. The cause is dropped: it may carry the secret unredacted.
 */
export function redactError(error: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (error instanceof ProtoshipError) {
    const hint = error.hint === undefined ? undefined : redact(error.hint, env);
    return new ProtoshipError(redact(error.message, env), { exitCode: error.exitCode, ...(hint === undefined ? {} : { hint }) });
  }
  if (error instanceof Error) {
    const clean = new Error(redact(error.message, env));
    clean.stack = redact(error.stack ?? error.message, env);
    return clean;
  }
  return redact(String(error), env);
}
