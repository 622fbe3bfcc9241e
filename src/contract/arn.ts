/** The one ARN parser: arn:partition:service:region:account:resource-type/resource-id. A contract fact shared by the client and the emulator (both must agree on the format). */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resourceType: string;
  resourceId: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):([A-Za-z0-9-]+)[/:](.+)$/;

export function parseArn(value: string): Arn | undefined {
  const m = ARN.exec(value);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resourceType: m[5]!, resourceId: m[6]! };
}

export function formatArn(a: Arn): string {
  return `arn:${a.partition}:${a.service}:${a.region}:${a.account}:${a.resourceType}/${a.resourceId}`;
}


/** The id at the end of an ARN, for display and claims: `…:stage/AbCd` → `AbCd`, an ECS task's `task/cluster/id` → `id`. */
export function arnId(arn: string): string;
export function arnId(arn: string | null | undefined): string | undefined;
export function arnId(arn: string | null | undefined): string | undefined {
  return arn ? arn.slice(arn.lastIndexOf("/") + 1) : undefined;
}
