/**
 * What kind of backend a stack is, from its outputs alone (pure, no AWS call):
 * - `vp-sample`: the IVS real-time virtual-participant sample. Its export names
 *   `<S>::RotateKeyPairLambdaURL` and `<S>::ListVpsLambdaURL` are present in every deployment
 *   (contract section 6), with or without PUBLIC_API.
 * - `ivsctl`: anything else (ivsctl mints tokens and runs VP tasks itself).
 */
export type StackKind = "ivsctl" | "vp-sample";

export interface StackOutputLike {
  OutputKey?: string;
  OutputValue?: string;
  ExportName?: string;
}

export interface StackKindInfo {
  kind: StackKind;
  /** Why, in words, for `stack outputs`. */
  reason: string;
  /** vp-sample only: deployed with PUBLIC_API=true (operator routes on an unauthenticated API Gateway). */
  publicApi: boolean;
}

const MARKERS = ["RotateKeyPairLambdaURL", "ListVpsLambdaURL"] as const;

export function detectStackKind(stackName: string, outputs: StackOutputLike[]): StackKindInfo {
  const exports = new Set(outputs.map((o) => o.ExportName).filter((e): e is string => Boolean(e)));
  const wanted = MARKERS.map((k) => `${stackName}::${k}`);
  const missing = wanted.filter((e) => !exports.has(e));
  if (missing.length === 0) {
    const publicApi = !exports.has(`${stackName}::CreateIvsStageLambdaURL`) && exports.has(`${stackName}::PublicApiUrl`);
    return {
      kind: "vp-sample",
      reason: `exports ${wanted.join(" and ")} (the IVS virtual-participant sample)${publicApi ? "; its operator API is public (PUBLIC_API=true: no function URLs for create/delete/invite/kick)" : ""}`,
      publicApi,
    };
  }
  const partial = missing.length < wanted.length ? ` (has ${wanted.filter((e) => exports.has(e)).join(", ")} but not ${missing.join(", ")})` : "";
  return { kind: "ivsctl", reason: `no ${wanted.join(" / ")} export${partial}: an ivsctl backend (direct ECS mode)`, publicApi: false };
}

/**
 * An output as the sample's scripts find it: the first output whose ExportName, split on `::`,
 * ends with the key (the match is on the export name, not on OutputKey).
 */
export function sampleOutputValue(outputs: StackOutputLike[], key: string): string | undefined {
  return outputs.find((o) => o.ExportName?.split("::").at(-1) === key)?.OutputValue;
}

/** The sample stack's operator endpoints. The four operator URLs are absent on PUBLIC_API stacks, which have `publicApiUrl`. */
export interface SampleEndpoints {
  rotateKeyPair: string;
  listVps: string;
  listStages: string;
  stopVpTasks: string;
  createIvsStage?: string;
  deleteIvsStage?: string;
  inviteVp?: string;
  kickVp?: string;
  publicApiUrl?: string;
  videoAssetsBucketName?: string;
  graphQlApiEndpoint?: string;
  apiUrl?: string;
}

export function sampleEndpoints(outputs: StackOutputLike[]): SampleEndpoints {
  const v = (k: string) => sampleOutputValue(outputs, k);
  return {
    rotateKeyPair: v("RotateKeyPairLambdaURL") ?? "",
    listVps: v("ListVpsLambdaURL") ?? "",
    listStages: v("ListStagesLambdaURL") ?? "",
    stopVpTasks: v("StopVpTasksLambdaURL") ?? "",
    createIvsStage: v("CreateIvsStageLambdaURL"),
    deleteIvsStage: v("DeleteIvsStageLambdaURL"),
    inviteVp: v("InviteVpLambdaURL"),
    kickVp: v("KickVpLambdaURL"),
    publicApiUrl: v("PublicApiUrl"),
    videoAssetsBucketName: v("VideoAssetsBucketName"),
    graphQlApiEndpoint: v("GraphQLApiEndpoint"),
    apiUrl: v("apiUrl"),
  };
}
