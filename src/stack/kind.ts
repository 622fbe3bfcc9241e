/**
 * What kind of stack it is, which decides where its roles may come from (pure, no AWS call):
 * - `vp-sample`: the IVS real-time virtual-participant sample. Its export names
 *   `<S>::RotateKeyPairLambdaURL` and `<S>::ListVpsLambdaURL` are present in every deployment
 *   (contract section 6), with or without PUBLIC_API.
 * - `channel`: a channel stack like the IVS tutorials' (an output whose value is a channel ARN, or an
 *   AWS::IVS::Channel and no ECS cluster).
 * - `ivsctl`: anything else (ivsctl mints tokens and runs VP tasks itself).
 * The outputs decide when they can; only then are the resources read.
 */
import { isArnOf } from "../aws/resolve.ts";

export type StackKind = "ivsctl" | "vp-sample" | "channel";

export interface StackResourceLike {
  LogicalResourceId?: string;
  ResourceType?: string;
}

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

/** The kind from the outputs and, when they do not decide, the resources. */
export function detectStackKind(stackName: string, outputs: StackOutputLike[], resources: StackResourceLike[] = []): StackKindInfo {
  return kindFromOutputs(stackName, outputs) ?? kindFromResources(stackName, outputs, resources);
}

export const isChannelArn = (value: string): boolean => isArnOf(value, "ivs", "channel");

/** vp-sample or channel when the outputs say so; undefined when only the resources can tell. */
export function kindFromOutputs(stackName: string, outputs: StackOutputLike[]): StackKindInfo | undefined {
  const sample = sampleKind(stackName, outputs);
  if (sample.kind === "vp-sample") return sample;
  const channel = outputs.find((o) => o.OutputValue && isChannelArn(o.OutputValue));
  if (channel) return { kind: "channel", reason: `output ${channel.OutputKey} is a channel ARN`, publicApi: false };
  return undefined;
}

export function kindFromResources(stackName: string, outputs: StackOutputLike[], resources: StackResourceLike[]): StackKindInfo {
  const channel = resources.find((r) => r.ResourceType === "AWS::IVS::Channel");
  const cluster = resources.find((r) => r.ResourceType === "AWS::ECS::Cluster");
  if (channel && !cluster) return { kind: "channel", reason: `resource ${channel.LogicalResourceId} is an AWS::IVS::Channel and there is no ECS cluster`, publicApi: false };
  return sampleKind(stackName, outputs);
}

function sampleKind(stackName: string, outputs: StackOutputLike[]): StackKindInfo {
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
