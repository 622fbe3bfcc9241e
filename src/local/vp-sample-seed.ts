/**
 * The emulator's replica of a deployed IVS real-time virtual-participant sample stack
 * (`aws-samples/sample-amazon-ivs-real-time-virtual-participant`), seeded as `ivsctl-sample`.
 * Every name, output, export and resource follows /work/shared/vp-sample-contract.md (sections 2-6,
 * checked there against `cdk synth`): function URLs as outputs with `<S>::<Key>` export names, the
 * Stages and VirtualParticipants tables, the cluster and task definition, 9 subnets in three CDK
 * subnet groups, one security group, the key secret holding a bare PKCS8 PEM and the SSM parameter
 * `/<S>/publicKeyArn` = `{"arn": …}` naming a really imported IVS public key (the state the
 * sample's LambdaTrigger leaves right after deployment).
 *
 * Function URLs are served by this emulator on loopback (plain http, see vp-sample.ts); their
 * outputs hold a host placeholder that DescribeStacks renders, so they follow the emulator's port.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { LOCAL_HTTP_HOST, STACK_KIND, type StackDoc } from "./cloudformation.ts";
import { arnFor, LOCAL_ACCOUNT, randomId } from "./ids.ts";
import { ivsRealtimeService } from "./ivs-realtime.ts";
import { SEED_KIND, seedEcsBackend } from "./kinds.ts";
import type { RequestContext } from "./service.ts";
import { putParameter } from "./ssm.ts";
import type { Store } from "./store.ts";

export const VP_SAMPLE_STACK = "ivsctl-sample";
export const VP_SAMPLE_KIND = "vp-sample:stack";

/** The function-URL handlers of the sample (contract section 1), by the output key that exports their URL. */
export const URL_FUNCTIONS = {
  RotateKeyPairLambdaURL: "RotateKeyPair",
  ListVpsLambdaURL: "ListVps",
  ListStagesLambdaURL: "ListStages",
  StopVpTasksLambdaURL: "StopVpTasks",
  CreateIvsStageLambdaURL: "CreateIvsStage",
  DeleteIvsStageLambdaURL: "DeleteIvsStage",
  InviteVpLambdaURL: "InviteVp",
  KickVpLambdaURL: "KickVp",
} as const;
export type UrlFunction = (typeof URL_FUNCTIONS)[keyof typeof URL_FUNCTIONS];

/** What the emulator needs to run one sample stack (not an AWS shape). */
export interface VpSampleConfig {
  stack: string;
  region: string;
  /** Function URL id (the `<id>` of `<id>.lambda-url.<region>.on.aws`) -> handler. */
  urls: Record<string, UrlFunction>;
  /** REST API id: `POST /<env>/stage/token` is served unsigned, as deployed (contract section 6). */
  apiId: string;
  env: string;
  bucket: string;
  /** Objects in the video-assets bucket (InviteVp's HeadObject). */
  assets: string[];
  clusterArn: string;
  clusterName: string;
  taskDefinitionArn: string;
  vpContainer: string;
  egressSubnets: string[];
  securityGroup: string;
  secretArn: string;
  parameterName: string;
  stagesTable: string;
  vpTable: string;
  createTokenFunctionArn: string;
}

/** The local function URL of `urlId` as stored in outputs (placeholder host, rendered by DescribeStacks). */
export const localFunctionUrl = (urlId: string, host = LOCAL_HTTP_HOST) => `http://${host}/lambda-url/${urlId}/`;

/** CDK-style logical id: the construct path plus 8 hex characters of a hash (ours, deterministic). */
const logicalId = (path: string) => `${path}${createHash("sha256").update(path).digest("hex").slice(0, 8).toUpperCase()}`;
const hexId = (seed: string, n: number) => createHash("sha256").update(seed).digest("hex").slice(0, n);

export function seedVpSample(store: Store, region: string, now: Date, S = VP_SAMPLE_STACK): void {
  if (store.get(VP_SAMPLE_KIND, S)) return;
  const env = "dev";
  const stackId = arnFor("cloudformation", region, "stack", `${S}/${crypto.randomUUID()}`);
  const ctx: RequestContext = { store, region, account: LOCAL_ACCOUNT, now: () => now, world: { httpHost: "", ingestHost: "" } };

  // ECS (section 4): cluster <S>-Cluster; task definition family <S without dashes>TaskDef<hash>.
  const clusterName = `${S}-Cluster`;
  const clusterArn = arnFor("ecs", region, "cluster", clusterName);
  const family = `${S.replace(/-/g, "")}TaskDef${hexId(`${S}TaskDef`, 8).toUpperCase()}`;
  const taskDefinitionArn = arnFor("ecs", region, "task-definition", `${family}:1`);
  const vpContainer = `${S}-VpContainer`;
  const stagesTable = `${S}-Stages`;
  const vpTable = `${S}-VirtualParticipants`;
  const bucket = `${S.toLowerCase()}-videoassets-${hexId(`${S}-${LOCAL_ACCOUNT}-${region}-dev`, 10)}`;
  const fnArn = (id: string) => `arn:aws:lambda:${region}:${LOCAL_ACCOUNT}:function:${S}-${id}`;
  const apiId = hexId(`${S}-API`, 10);
  const graphqlId = hexId(`${S}-GqlApi`, 26);
  seedEcsBackend(store, {
    clusterArn,
    clusterName,
    taskDefinitionArn,
    family,
    cpu: "8192",
    memory: "16384",
    extra: { pidMode: "task", runtimePlatform: { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" } },
    containerDefinitions: [
      {
        name: vpContainer,
        image: `${LOCAL_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/cdk-hnb659fds-container-assets-${LOCAL_ACCOUNT}-${region}:asset-publisher`,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: "tcp" }],
        environment: [
          { name: "VP_TYPE", value: "asset-publisher" },
          { name: "TINI_SUBREAPER", value: "true" },
          { name: "AWS_EMF_NAMESPACE", value: S },
          { name: "VP_TABLE_NAME", value: vpTable },
          { name: "STAGES_TABLE_NAME", value: stagesTable },
          { name: "TASKS_INDEX_NAME", value: "TasksIndex" },
          { name: "STATE_INDEX_NAME", value: "Status" },
          { name: "GRAPHQL_API_URL", value: `https://${graphqlId}.appsync-api.${region}.amazonaws.com/graphql` },
          { name: "VIDEO_ASSETS_BUCKET_NAME", value: bucket },
          { name: "CREATE_PARTICIPANT_TOKEN_LAMBDA_ARN", value: fnArn("CreateIvsParticipantToken") },
        ],
      },
      { name: `${S}-CWAgentSidecar`, image: "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest", essential: true },
    ],
  });

  // VPC (section 4): 3 public /28, 3 ingress (isolated) /24, 3 egress /24, CDK logical ids by group.
  const subnets: StackDoc["Resources"] = [];
  const egressSubnets: string[] = [];
  for (const group of ["public", "ingress", "egress"] as const) {
    for (let i = 1; i <= 3; i++) {
      const id = `subnet-0${hexId(`${S}-${group}-${i}`, 16)}`;
      subnets.push({ LogicalResourceId: logicalId(`VPC${group}Subnet${i}Subnet`), PhysicalResourceId: id, ResourceType: "AWS::EC2::Subnet" });
      if (group === "egress") egressSubnets.push(id);
    }
  }
  const securityGroup = `sg-0${hexId(`${S}-SG`, 16)}`;

  // Keys (section 5): the state after the deploy-time rotation: a P-384 key imported in IVS,
  // its PKCS8 PEM as the secret's AWSCURRENT, {"arn"} in SSM.
  const pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const imported = ivsRealtimeService.operations.ImportPublicKey!(
    { publicKeyMaterial: pair.publicKey.export({ type: "spki", format: "pem" }).toString(), name: `${S}-PublicKey-${now.getTime()}`, tags: { createdAt: now.toISOString() } },
    ctx,
  ) as { publicKey: { arn: string } };
  const secretName = `${S}-PrivateKey`;
  const secretArn = `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT}:secret:${secretName}-${randomId(6)}`;
  const first = { VersionId: crypto.randomUUID(), SecretString: randomId(32), VersionStages: ["AWSPREVIOUS"], CreatedDate: now.toISOString() };
  const current = { VersionId: crypto.randomUUID(), SecretString: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), VersionStages: ["AWSCURRENT"], CreatedDate: now.toISOString() };
  store.put(SEED_KIND.secret, secretArn, { ARN: secretArn, Name: secretName, CreatedDate: now.toISOString(), LastChangedDate: now.toISOString(), Tags: [], versions: [first, current] });
  const parameterName = `/${S}/publicKeyArn`;
  putParameter({ Name: parameterName, Value: JSON.stringify({ arn: "" }), Type: "String", Tier: "Standard", DataType: "text" }, ctx);
  putParameter({ Name: parameterName, Value: JSON.stringify({ arn: imported.publicKey.arn }), Type: "String", Tier: "Standard", DataType: "text", Overwrite: true }, ctx);
  putParameter({ Name: `/${S}/cwagentconfig`, Value: JSON.stringify({ logs: { metrics_collected: { emf: {} } } }), Type: "String", DataType: "text" }, ctx);

  const urls: Record<string, UrlFunction> = {};
  const outputs: StackDoc["Outputs"] = [
    { OutputKey: "GraphQLApiEndpoint", OutputValue: `https://${graphqlId}.appsync-api.${region}.amazonaws.com/graphql`, ExportName: `${S}::GraphQLApiEndpoint` },
  ];
  const resources: StackDoc["Resources"] = [];
  for (const [key, fn] of Object.entries(URL_FUNCTIONS)) {
    const urlId = hexId(`${S}-${fn}-url`, 32);
    urls[urlId] = fn;
    outputs.push({ OutputKey: key, OutputValue: localFunctionUrl(urlId), ExportName: `${S}::${key}` });
    resources.push({ LogicalResourceId: logicalId(`${fn}LambdaFunctionUrl`), PhysicalResourceId: fnArn(fn), ResourceType: "AWS::Lambda::Url" });
  }
  outputs.splice(2, 0, { OutputKey: "VideoAssetsBucketName", OutputValue: bucket, ExportName: `${S}::VideoAssetsBucketName` });
  outputs.push({ OutputKey: "APIEndpoint1793E782", OutputValue: `http://${LOCAL_HTTP_HOST}/execute-api/${apiId}/${env}/`, ExportName: `${S}::apiUrl` });
  for (const fn of ["CreateIvsStage", "DeleteIvsStage", "InviteVp", "KickVp", "RotateKeyPair", "ListVps", "ListStages", "StopVpTasks", "CreateIvsParticipantToken", "ManageWarmVpPool", "UpdateTaskFromEvents", "UpdateVpState"]) {
    resources.push({ LogicalResourceId: logicalId(`${fn}LambdaFunction`), PhysicalResourceId: `${S}-${fn}`, ResourceType: "AWS::Lambda::Function" });
  }
  resources.push(
    { LogicalResourceId: "VPCB9E5F0B4", PhysicalResourceId: `vpc-0${hexId(`${S}-vpc`, 16)}`, ResourceType: "AWS::EC2::VPC" },
    ...subnets,
    { LogicalResourceId: "SGADB53937", PhysicalResourceId: securityGroup, ResourceType: "AWS::EC2::SecurityGroup" },
    { LogicalResourceId: "ClusterEB0386A7", PhysicalResourceId: clusterName, ResourceType: "AWS::ECS::Cluster" },
    { LogicalResourceId: "TaskDef54694570", PhysicalResourceId: taskDefinitionArn, ResourceType: "AWS::ECS::TaskDefinition" },
    { LogicalResourceId: logicalId("Service"), PhysicalResourceId: arnFor("ecs", region, "service", `${clusterName}/${S}-Service`), ResourceType: "AWS::ECS::Service" },
    { LogicalResourceId: "StagesTableB9051259", PhysicalResourceId: stagesTable, ResourceType: "AWS::DynamoDB::GlobalTable" },
    { LogicalResourceId: "VirtualParticipantTable8A867E9F", PhysicalResourceId: vpTable, ResourceType: "AWS::DynamoDB::GlobalTable" },
    { LogicalResourceId: "SymmetricEncryptionKey52B9A817", PhysicalResourceId: crypto.randomUUID(), ResourceType: "AWS::KMS::Key" },
    { LogicalResourceId: "PrivateKey98B145B1", PhysicalResourceId: secretArn, ResourceType: "AWS::SecretsManager::Secret" },
    { LogicalResourceId: "PublicKeyArn75726031", PhysicalResourceId: parameterName, ResourceType: "AWS::SSM::Parameter" },
    { LogicalResourceId: logicalId("VideoAssetsBucket"), PhysicalResourceId: bucket, ResourceType: "AWS::S3::Bucket" },
    { LogicalResourceId: logicalId("API"), PhysicalResourceId: apiId, ResourceType: "AWS::ApiGateway::RestApi" },
    { LogicalResourceId: logicalId("ManageWarmVpPoolRule"), PhysicalResourceId: `${S}-ManageWarmVpPoolRule`, ResourceType: "AWS::Events::Rule" },
    { LogicalResourceId: logicalId("TaskStateChangeRule"), PhysicalResourceId: `${S}-TaskStateChangeRule`, ResourceType: "AWS::Events::Rule" },
  );
  const stack: StackDoc = {
    StackName: S,
    StackId: stackId,
    Description: "IVS real-time virtual participant sample (replica seeded by ivsctl local)",
    StackStatus: "CREATE_COMPLETE",
    CreationTime: now.toISOString(),
    Outputs: outputs,
    Resources: resources,
    Tags: [{ Key: "ivsctl:local", Value: "true" }],
  };
  store.put(STACK_KIND, stackId, stack);
  const config: VpSampleConfig = {
    stack: S,
    region,
    urls,
    apiId,
    env,
    bucket,
    assets: ["video-1.mp4", "video-2.mp4"],
    clusterArn,
    clusterName,
    taskDefinitionArn,
    vpContainer,
    egressSubnets,
    securityGroup,
    secretArn,
    parameterName,
    stagesTable,
    vpTable,
    createTokenFunctionArn: fnArn("CreateIvsParticipantToken"),
  };
  store.put(VP_SAMPLE_KIND, S, config);
}
