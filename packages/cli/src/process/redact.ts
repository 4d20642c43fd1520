import { ProtoshipError } from "../errors.js";

/**
 * Environment variable names whose values are secrets wherever they appear: any name containing
 * TOKEN, SECRET, PASSWORD (PASSWD), CREDENTIAL or AUTH (not AUTHOR: GIT_AUTHOR_NAME is not a
 * secret), in any case: NODE_AUTH_TOKEN, NPM_PUBLISH_TOKEN, npm_config__auth, DB_Password…
 */
const SECRET_NAME = /TOKEN|SECRET|PASSW(?:OR)?D|CREDENTIAL|AUTH(?!OR)/i;
/**
 * Names that match SECRET_NAME but hold no secret, whose values (`legacy`, a socket's path) would
 * blank out ordinary words: SSH_AUTH_SOCK, npm_config_auth_type, a *_TOKEN_FILE's path.
 */
const NOT_SECRET_NAME = /_(?:SOCK|TYPE|FILE|PATH)$/i;
/** Shorter values are not redacted: "1" or "true" would blank out unrelated output. */
const MIN_SECRET_LENGTH = 6;

/**
 * Shapes of secrets that tools and remotes print: npm, GitHub and GitLab tokens, bearer headers,
 * .npmrc auth, JWTs, credentials in a URL (`//user:pass@host`, or `//<token>@host` as GitHub
 * accepts one) and a token in a query string. A capture group is kept (the part before the secret).
 */
const TOKEN_PATTERNS: RegExp[] = [
  /\bnpm_[A-Za-z0-9]{20,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /(_auth(?:Token)?\s*=\s*)\S+/gi,
  /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(\bauthorization:\s*token\s+)\S+/gi,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g,
  /(\/\/[^\s/:@]+:)[^\s/@]+(?=@)/g, // credentials in a URL: //user:pass@host
  /(\bhttps?:\/\/)[^\s/:@]{16,}(?=@)/gi, // a token as the URL's user: https://<token>@host
  /([?&](?:access_token|token|auth|password|secret)=)[^&#\s]+/gi,
];

/**
 * Removes secrets from text before it is printed: the value of every variable of `env` whose name
 * looks like a secret (see SECRET_NAME; longest first, so a secret holding another is removed
 * whole), and anything shaped like a secret (TOKEN_PATTERNS). The one redaction of protoship:
 * main() applies it to everything the process writes, and messages that show a URL or a command
 * line (a remote in a hint) apply it where they are built.
 *
 * @example redact("run: git fetch https://x-access-token:ghs_x@host/a.git", {}) // "run: git fetch https://x-access-token:***@host/a.git"
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return redactor(env)(text);
}

/**
 * {@link redact} bound to the secrets `env` holds now (read once): for a stream that writes many
 * times, so the environment is not scanned on every write.
 */
export function redactor(env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const values = Object.entries(env)
    .filter(
      ([name, value]) => SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH,
    )
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const value of values) if (out.includes(value)) out = out.split(value).join("***");
    for (const pattern of TOKEN_PATTERNS)
      out = out.replace(pattern, (_m, prefix?: string) => `${typeof prefix === "string" ? prefix : ""}***`);
    return out;
  };
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
