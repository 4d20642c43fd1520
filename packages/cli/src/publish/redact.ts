/** Environment variables whose values are secrets wherever they appear. */
const SECRET_ENV = ["NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_CONFIG__AUTH", "NPM_CONFIG__AUTHTOKEN", "GITHUB_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"];

/** Shapes of tokens npm and registries print: npm tokens, bearer headers, .npmrc auth, JWTs. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bnpm_[A-Za-z0-9]{20,}\b/g,
  /(_auth(?:Token)?\s*=\s*)\S+/gi,
  /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g,
  /(\/\/[^\s/:@]+:)[^\s/@]+@/g, // credentials in a URL: //user:pass@host
];

/**
 * Removes secrets from text before it is printed: the values of the token variables in `env`
 * (NODE_AUTH_TOKEN…) and anything shaped like a token.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const name of SECRET_ENV) {
    const value = env[name];
    if (value && value.length >= 4) out = out.split(value).join("***");
  }
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, (_m, prefix?: string) => `${typeof prefix === "string" ? prefix : ""}***`);
  return out;
}
