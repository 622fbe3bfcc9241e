/**
 * Role resolution against a real CloudFormation client talking to the in-process emulator:
 * the order flag > env > output > resource, ambiguity, and the one-call-each cache.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { STACK_KIND, type StackDoc } from "../../src/local/cloudformation.ts";
import { StackResolver } from "../../src/stack/resolve.ts";
import { CliError } from "../../src/cli/errors.ts";

let server: LocalServer;
let cfn: CloudFormationClient;

function putStack(name: string, outputs: StackDoc["Outputs"], resources: StackDoc["Resources"]): void {
  const StackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/00000000-0000-0000-0000-000000000000`;
  server.store.put<StackDoc>(STACK_KIND, StackId, { StackName: name, StackId, StackStatus: "CREATE_COMPLETE", CreationTime: new Date().toISOString(), Outputs: outputs, Resources: resources, Tags: [] });
}

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:" });
  cfn = new CloudFormationClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  putStack(
    "exported",
    [
      { OutputKey: "VpCluster", OutputValue: "from-export", ExportName: "exported::ClusterName" },
      { OutputKey: "Subnets", OutputValue: "subnet-1, subnet-2" },
      { OutputKey: "TaskDefinitionArn", OutputValue: "arn:aws:ecs:us-east-1:123456789012:task-definition/vp:3" },
    ],
    [{ LogicalResourceId: "Cluster", PhysicalResourceId: "from-resource", ResourceType: "AWS::ECS::Cluster" }],
  );
  // The VP sample's VPC (vp-sample-contract.md section 4): 3 public, 3 ingress (isolated), 3 egress subnets.
  putStack(
    "three-subnet-groups",
    [],
    ["public", "ingress", "egress"].flatMap((group, g) =>
      [1, 2, 3].map((n) => ({ LogicalResourceId: `VPC${group}Subnet${n}Subnet${(0xa0b1c2d0 + g * 16 + n).toString(16).toUpperCase()}`, PhysicalResourceId: `subnet-0${g}${n}aaaaaaaaaaaaaaa`, ResourceType: "AWS::EC2::Subnet" })),
    ),
  );
  putStack("two-clusters", [], [
    { LogicalResourceId: "ClusterA", PhysicalResourceId: "cluster-a", ResourceType: "AWS::ECS::Cluster" },
    { LogicalResourceId: "ClusterB", PhysicalResourceId: "cluster-b", ResourceType: "AWS::ECS::Cluster" },
  ]);
});
afterAll(() => server?.stop());

const resolver = (stack: string | undefined, overrides = {}, env = {}) => new StackResolver(stack, async () => cfn, overrides, env);

describe("stack role resolution", () => {
  test("resources by type when nothing is exported (the VP sample's layout)", async () => {
    const r = resolver("ivsctl-local");
    expect(await r.role("cluster")).toEqual({ role: "cluster", value: "ivsctl-local-cluster", source: "resource", from: "resource VirtualParticipantCluster2A8B1C3D (AWS::ECS::Cluster)" });
    expect((await r.role("subnets")).value).toEqual(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]);
    expect((await r.role("assignPublicIp")).source).toBe("default");
    expect((await r.role("containerName")).source).toBe("missing");
  });

  test("outputs by exact key or by the ::Key suffix of the export name, before resources", async () => {
    const r = resolver("exported");
    expect(await r.role("cluster")).toEqual({ role: "cluster", value: "from-export", source: "output", from: "output VpCluster" });
    expect((await r.role("subnets")).value).toEqual(["subnet-1", "subnet-2"]);
    expect((await r.role("taskDefinition")).source).toBe("output");
  });

  test("env beats outputs, and the flag beats env", async () => {
    expect(await resolver("exported", {}, { IVSCTL_CLUSTER: "from-env" }).role("cluster")).toMatchObject({ value: "from-env", source: "env", from: "IVSCTL_CLUSTER" });
    expect(await resolver("exported", { cluster: "from-flag" }, { IVSCTL_CLUSTER: "from-env" }).role("cluster")).toMatchObject({ value: "from-flag", source: "flag", from: "--cluster" });
  });

  test("an ambiguous role is exit 3 naming every candidate", async () => {
    const err = await resolver("two-clusters").role("cluster").catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe("stack two-clusters: cluster is ambiguous: ClusterA (cluster-a); ClusterB (cluster-b)");
  });

  test("a missing stack is exit 3; a required role that is absent is exit 3 with the flag to use", async () => {
    const missing = await resolver("nope").role("cluster").catch((e) => e);
    expect(missing.exitCode).toBe(3);
    const absent = await resolver("ivsctl-local").required("containerName").catch((e) => e);
    expect(absent.exitCode).toBe(3);
    expect(absent.hint).toContain("--container-name");
  });

  test("all roles cost one DescribeStacks and one ListStackResources", async () => {
    server.requestCounts.clear();
    await resolver("ivsctl-local").all();
    expect(server.requestCounts.get("cloudformation:DescribeStacks")).toBe(1);
    expect(server.requestCounts.get("cloudformation:ListStackResources")).toBe(1);
  });
});

describe("subnets of several CDK subnet groups", () => {
  test("more than one group is exit 3, listing the candidates by group and how to choose", async () => {
    const err = await resolver("three-subnet-groups").role("subnets").then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(3);
    expect((err as CliError).message).toBe(
      "stack three-subnet-groups: subnets span 3 CDK subnet groups: VPCpublic (subnet-001aaaaaaaaaaaaaaa, subnet-002aaaaaaaaaaaaaaa, subnet-003aaaaaaaaaaaaaaa); VPCingress (subnet-011aaaaaaaaaaaaaaa, subnet-012aaaaaaaaaaaaaaa, subnet-013aaaaaaaaaaaaaaa); VPCegress (subnet-021aaaaaaaaaaaaaaa, subnet-022aaaaaaaaaaaaaaa, subnet-023aaaaaaaaaaaaaaa)",
    );
    expect((err as CliError).hint).toBe("choose one group: pass --subnets, or set IVSCTL_SUBNETS (e.g. --subnets subnet-021aaaaaaaaaaaaaaa,subnet-022aaaaaaaaaaaaaaa,subnet-023aaaaaaaaaaaaaaa)");
  });

  test("a flag names them, and wins", async () => {
    expect((await resolver("three-subnet-groups", { subnets: "subnet-021aaaaaaaaaaaaaaa" }).role("subnets")).value).toEqual(["subnet-021aaaaaaaaaaaaaaa"]);
  });

  test("stack outputs reports the ambiguity instead of failing", async () => {
    const subnets = (await resolver("three-subnet-groups").all()).find((r) => r.role === "subnets")!;
    expect(subnets.source).toBe("ambiguous");
  });
});
