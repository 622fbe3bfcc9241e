/**
 * Independent checks: the real AWS CLI as a second client of `ivsctl local`, and moto as a second
 * implementation of CloudFormation for `ivsctl stack outputs`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureBinary, ivsctl, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, HAS_MOTO, skipReason, startMoto } from "../helpers/tools.ts";

let local: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
});
afterAll(() => local?.stop());

const aws = (args: string[], endpoint: string) => exec(["aws", ...args, "--endpoint-url", endpoint, "--output", "json"], awsCliEnv());

if (!HAS_AWS_CLI) skipReason("AWS CLI interop", "aws (AWS CLI)");
describe.skipIf(!HAS_AWS_CLI)("the AWS CLI as a second client of ivsctl local", () => {
  test("a channel made with `aws ivs create-channel` is listed by ivsctl", async () => {
    const made = await aws(["ivs", "create-channel", "--name", "from-aws-cli", "--type", "BASIC", "--latency-mode", "NORMAL", "--tags", "by=awscli"], local.endpoint);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    const arn = JSON.parse(made.stdout).channel.arn;
    const got = json(await local.run(["channel", "get", "from-aws-cli", "-o", "json"])).channel;
    expect(got).toMatchObject({ arn, name: "from-aws-cli", type: "BASIC", latencyMode: "NORMAL", tags: { by: "awscli" } });
  });

  test("a channel made by ivsctl is read back by `aws ivs get-channel`, `batch-get-channel` and `list-tags-for-resource`", async () => {
    const arn = json(await local.run(["channel", "create", "--name", "from-ivsctl", "--authorized", "--tag", "k=v", "-o", "json"])).channel.arn;
    const got = await aws(["ivs", "get-channel", "--arn", arn], local.endpoint);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).channel).toMatchObject({ arn, name: "from-ivsctl", authorized: true });
    const batch = JSON.parse((await aws(["ivs", "batch-get-channel", "--arns", arn, "arn:aws:ivs:us-east-1:123456789012:channel/AAAAAAAAAAAA"], local.endpoint)).stdout);
    expect(batch.channels.map((c: { arn: string }) => c.arn)).toEqual([arn]);
    expect(batch.errors[0].code).toBe("ResourceNotFoundException");
    const tags = JSON.parse((await aws(["ivs", "list-tags-for-resource", "--resource-arn", arn], local.endpoint)).stdout);
    expect(tags.tags).toEqual({ k: "v" });
  });

  test("errors reach the CLI with AWS's codes: validation (botocore model), rule violations, not found", async () => {
    const bad = await aws(["ivs", "create-channel", "--name", "bad name!"], local.endpoint);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("(ValidationException)");
    expect(bad.stderr).toContain("Member must satisfy regular expression pattern");
    const rule = await aws(["ivs", "create-channel", "--type", "BASIC", "--preset", "HIGHER_BANDWIDTH_DELIVERY"], local.endpoint);
    expect(rule.stderr).toContain("(ValidationException)");
    const missing = await aws(["ivs", "get-channel", "--arn", "arn:aws:ivs:us-east-1:123456789012:channel/AAAAAAAAAAAA"], local.endpoint);
    expect(missing.stderr).toContain("(ResourceNotFoundException)");
  });

  test("pagination: list-channels pages with nextToken and max-results", async () => {
    for (let i = 0; i < 5; i++) await local.run(["channel", "create", "--name", `page-${i}`]);
    const first = JSON.parse((await aws(["ivs", "list-channels", "--filter-by-name", "page-", "--max-results", "2", "--no-paginate"], local.endpoint)).stdout);
    expect(first.channels).toHaveLength(2);
    expect(first.nextToken).toBeString();
    const all = JSON.parse((await aws(["ivs", "list-channels", "--filter-by-name", "page-", "--page-size", "2"], local.endpoint)).stdout);
    expect(all.channels.map((c: { name: string }) => c.name)).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4"]);
  });

  test("CloudFormation query protocol: describe-stacks and list-stack-resources of the seeded stack", async () => {
    const stacks = JSON.parse((await aws(["cloudformation", "describe-stacks", "--stack-name", "ivsctl-local"], local.endpoint)).stdout);
    expect(stacks.Stacks[0].StackStatus).toBe("CREATE_COMPLETE");
    const res = JSON.parse((await aws(["cloudformation", "list-stack-resources", "--stack-name", "ivsctl-local"], local.endpoint)).stdout);
    expect(res.StackResourceSummaries.map((r: { ResourceType: string }) => r.ResourceType)).toContain("AWS::ECS::Cluster");
    const missing = await aws(["cloudformation", "describe-stacks", "--stack-name", "nope"], local.endpoint);
    expect(missing.stderr).toContain("(ValidationError)");
    expect(missing.stderr).toContain("Stack with id nope does not exist");
  });

  test("Secrets Manager JSON 1.1: create, put, get", async () => {
    const create = await aws(["secretsmanager", "create-secret", "--name", "interop/secret", "--secret-string", "one"], local.endpoint);
    expect(create.stderr).toBe("");
    const made = JSON.parse(create.stdout);
    expect(made.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:interop\/secret-[A-Za-z0-9]{6}$/);
    await aws(["secretsmanager", "put-secret-value", "--secret-id", "interop/secret", "--secret-string", "two"], local.endpoint);
    const got = JSON.parse((await aws(["secretsmanager", "get-secret-value", "--secret-id", made.ARN], local.endpoint)).stdout);
    expect(got.SecretString).toBe("two");
    expect(got.VersionStages).toEqual(["AWSCURRENT"]);
  });

  test("Secrets Manager: moving AWSCURRENT is a compare-and-swap on the version that holds it", async () => {
    await aws(["secretsmanager", "create-secret", "--name", "interop/cas", "--secret-string", "v1"], local.endpoint);
    const v1 = JSON.parse((await aws(["secretsmanager", "get-secret-value", "--secret-id", "interop/cas"], local.endpoint)).stdout).VersionId;
    const pending = JSON.parse((await aws(["secretsmanager", "put-secret-value", "--secret-id", "interop/cas", "--secret-string", "v2", "--version-stages", "AWSPENDING"], local.endpoint)).stdout).VersionId;
    const stale = await aws(["secretsmanager", "update-secret-version-stage", "--secret-id", "interop/cas", "--version-stage", "AWSCURRENT", "--move-to-version-id", pending, "--remove-from-version-id", pending], local.endpoint);
    expect(stale.stderr).toContain("(InvalidParameterException)");
    const missing = await aws(["secretsmanager", "update-secret-version-stage", "--secret-id", "interop/cas", "--version-stage", "AWSCURRENT", "--move-to-version-id", pending], local.endpoint);
    expect(missing.stderr).toContain("(InvalidParameterException)");
    const ok = await aws(["secretsmanager", "update-secret-version-stage", "--secret-id", "interop/cas", "--version-stage", "AWSCURRENT", "--move-to-version-id", pending, "--remove-from-version-id", v1], local.endpoint);
    expect(ok.code).toBe(0);
    expect(JSON.parse((await aws(["secretsmanager", "get-secret-value", "--secret-id", "interop/cas"], local.endpoint)).stdout).SecretString).toBe("v2");
  });
});

const VP_TEMPLATE = {
  Resources: {
    Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
    SubnetA: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24" } },
    SubnetB: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.2.0/24" } },
    TaskSg: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "vp", VpcId: { Ref: "Vpc" } } },
    Cluster: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "moto-vp-cluster" } },
  },
  Outputs: {
    ClusterName: { Value: { Ref: "Cluster" }, Export: { Name: "moto-vp::ClusterName" } },
    VpSubnets: { Value: { "Fn::Join": [",", [{ Ref: "SubnetA" }, { Ref: "SubnetB" }]] }, Export: { Name: "moto-vp::Subnets" } },
    SecurityGroup: { Value: { Ref: "TaskSg" } },
  },
};

if (!HAS_MOTO || !HAS_AWS_CLI) skipReason("stack outputs against moto", HAS_MOTO ? "aws (AWS CLI)" : "moto_server");
describe.skipIf(!HAS_MOTO || !HAS_AWS_CLI)("stack outputs against a stack deployed into moto", () => {
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let endpoint = "";
  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
    const created = await aws(["cloudformation", "create-stack", "--stack-name", "moto-vp", "--template-body", JSON.stringify(VP_TEMPLATE)], endpoint);
    expect(created.code).toBe(0);
  });
  afterAll(() => {
    moto?.stop();
  });

  test("outputs (key and ::Key export suffix) and resources by type resolve as in ivsctl local", async () => {
    const r = await ivsctl(["stack", "outputs", "--stack", "moto-vp", "--endpoint-url", endpoint, "--region", "us-east-1", "-o", "json"], { env: awsCliEnv() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.Roles.cluster).toEqual({ value: "moto-vp-cluster", source: "output", from: "output ClusterName" });
    expect(out.Roles.subnets.source).toBe("output");
    expect(out.Roles.subnets.value).toHaveLength(2);
    expect(out.Roles.subnets.value[0]).toMatch(/^subnet-/);
    expect(out.Roles.securityGroups.source).toBe("output");
    expect(out.Roles.securityGroups.value[0]).toMatch(/^sg-/);
    expect(out.Roles.keySecret).toEqual({ value: null, source: "missing", from: null });
  });

  test("a stack moto does not have is exit 3", async () => {
    const r = await ivsctl(["stack", "outputs", "--stack", "absent", "--endpoint-url", endpoint, "--region", "us-east-1"], { env: awsCliEnv() });
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n")[0]).toMatch(/^error: reading stack absent: Stack with id absent does not exist \(StackNotFound\)$/);
  });
});
