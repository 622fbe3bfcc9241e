/** Stream health values (ListStreams filterBy.health). Pure, so command modules can import it without the SDK. */
export const STREAM_HEALTH = ["HEALTHY", "STARVING", "UNKNOWN"] as const;

/** Stream states (GetStream state), what `stream wait --state` waits for. */
export const STREAM_STATES = ["LIVE", "OFFLINE"] as const;
export type StreamState = (typeof STREAM_STATES)[number];
