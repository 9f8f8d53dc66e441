/**
 * The Worker → call object handshake: internal headers the Worker sets when it forwards a
 * verified Media Streams upgrade (never taken from outside). Here, beside the other wire
 * protocols, so the Worker's routes and the call object share the names without importing
 * each other.
 */
export const HANDSHAKE_HEADERS = {
  platformVerified: "x-ns-handshake-platform",
  /** The tenant whose own auth token signed the handshake, when the platform's did not. */
  tenantId: "x-ns-handshake-tenant",
} as const;
