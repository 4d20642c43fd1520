/**
 * A file's text as init edits it, decoded so that encoding it again gives back the same bytes:
 * UTF-8 when the bytes are valid UTF-8, else Latin-1 (one character per byte). A Latin-1 ignore
 * pattern in a .gitignore survives init's edit byte for byte, instead of turning into U+FFFD.
 */
export interface Text {
  text: string;
  encoding: "utf8" | "latin1";
}

/** Decodes `bytes` losslessly (see {@link Text}). */
export function decodeText(bytes: Uint8Array): Text {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes), encoding: "utf8" };
  } catch {
    return { text: Buffer.from(bytes).toString("latin1"), encoding: "latin1" };
  }
}

/** Encodes `text` as the file it came from was encoded (UTF-8 for a new file). */
export function encodeText(text: string, encoding: Text["encoding"] = "utf8"): Buffer {
  return Buffer.from(text, encoding);
}
