/** Stream health values (ListStreams filterBy.health). Pure, so command modules can import it without the SDK. */
export const STREAM_HEALTH = ["HEALTHY", "STARVING", "UNKNOWN"] as const;
