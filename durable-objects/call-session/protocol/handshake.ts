/**
 * The Worker → call object handshake: internal headers the Worker sets when it forwards the
 * Media Streams upgrade (never taken from outside). Here, beside the other wire protocols, so
 * the Worker's routes and the call object share the names without importing each other.
 */
export const HANDSHAKE_HEADERS = {
  platformVerified: "x-ns-handshake-platform",
  signature: "x-ns-handshake-signature",
  url: "x-ns-handshake-url",
} as const;
