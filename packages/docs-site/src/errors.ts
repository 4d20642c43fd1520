/** Raised for invalid input to {@link buildSite} (a malformed model or options). */
export class DocSiteError extends Error {
  override name = "DocSiteError";
}
