/** The tags ivsctl puts on the public keys it imports: which backend owns it, when, and when it retires. */
export const KEY_TAG = { owner: "ivsctl:owner", importedAt: "ivsctl:imported-at", retireAfter: "ivsctl:retire-after" } as const;
