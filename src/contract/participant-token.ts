/**
 * The claims of an IVS real-time participant token (self-signed or from CreateParticipantToken):
 * what a client signs and what IVS checks at join. Times are seconds. Both sides agree on this
 * shape; each checks values with its own code.
 */
export interface ParticipantTokenClaims {
  exp: number;
  iat: number;
  jti: string;
  resource: string;
  topic: string;
  events_url: string;
  whip_url: string;
  user_id?: string;
  attributes?: Record<string, string>;
  capabilities: { allow_publish: boolean; allow_subscribe: boolean };
  version: "1.0";
}
