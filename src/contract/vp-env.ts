/**
 * The VP container environment contract (README "Virtual participants"): the names that
 * `ivsctl vp invite` writes as ECS container overrides and that the container (and the emulator's
 * ECS) reads. Neutral ground: both the client and the emulator import it.
 */
export const VP_ENV = {
  /** ARN of the stage to join. */
  stageArn: "STAGE_ARN",
  /** Participant token (PUBLISH and SUBSCRIBE). A bearer secret: never printed by ivsctl. */
  token: "PARTICIPANT_TOKEN",
  /** The participant id the token carries (its `jti` when self-signed). */
  participantId: "PARTICIPANT_ID",
  /** The stage's WHIP endpoint (`endpoints.whip`). */
  whipUrl: "WHIP_URL",
  /** Video asset to publish (name in the stack's assets bucket); empty: none. */
  asset: "ASSET_NAME",
  /** The token's user id, when one was given. */
  userId: "PARTICIPANT_USER_ID",
  /** The token's attributes as a JSON object, when some were given. */
  attributes: "PARTICIPANT_ATTRIBUTES",
} as const;

/**
 * Where a bare ASSET_NAME lives: `s3://bucket/prefix/`. `vp invite` sets it from the stack's asset
 * bucket (an output `VideoAssetsBucketName`, as the VP sample names it); `--env ASSET_BASE=…` overrides.
 */
export const VP_ASSET_BASE_ENV = "ASSET_BASE";
