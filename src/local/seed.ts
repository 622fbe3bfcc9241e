/**
 * The world `ivsctl local` starts with: a CloudFormation stack `ivsctl-local` describing a complete
 * virtual-participant backend, laid out like the public IVS VP sample (roles found as resources by
 * type, a few exported outputs), so `--stack ivsctl-local` works out of the box.
 */
import { STACK_KIND, type StackDoc } from "./cloudformation.ts";
import { arnFor, LOCAL_ACCOUNT } from "./ids.ts";
import type { Store } from "./store.ts";
import { seedVpSample } from "./vp-sample-seed.ts";

export const SEED_STACK = "ivsctl-local";

import { SEED_KIND, seedEcsBackend } from "./kinds.ts";

export { SEED_KIND };

export function seedWorld(store: Store, region: string, now: Date): void {
  seedVpSample(store, region, now);
  if (store.list<StackDoc>(STACK_KIND).some((s) => s.StackName === SEED_STACK)) return;
  const stackId = arnFor("cloudformation", region, "stack", `${SEED_STACK}/6f1c2a40-0b1e-11ef-9a3b-0a1b2c3d4e5f`);
  const clusterName = `${SEED_STACK}-cluster`;
  const clusterArn = arnFor("ecs", region, "cluster", clusterName);
  const family = `${SEED_STACK}-vp`;
  const taskDefinitionArn = arnFor("ecs", region, "task-definition", `${family}:1`);
  const secretName = `${SEED_STACK}/participant-token-signing-key`;
  // Secrets Manager ARNs use a colon before the name, and a random 6-character suffix.
  const secretArn = `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT}:secret:${secretName}-AbCdEf`;

  seedEcsBackend(store, {
    clusterArn,
    clusterName,
    taskDefinitionArn,
    family,
    cpu: "1024",
    memory: "2048",
    // The image the repository's Dockerfile builds, pushed to the account's ECR (README "The VP image").
    containerDefinitions: [{ name: "virtual-participant", image: `${LOCAL_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/ivsctl-vp:latest`, cpu: 1024, memory: 2048, essential: true }],
  });
  store.put(SEED_KIND.secret, secretArn, { ARN: secretArn, Name: secretName, CreatedDate: now.toISOString(), versions: [] });

  const stack: StackDoc = {
    StackName: SEED_STACK,
    StackId: stackId,
    Description: "ivsctl local: virtual-participant backend (seeded by the emulator)",
    StackStatus: "CREATE_COMPLETE",
    CreationTime: now.toISOString(),
    Outputs: [
      { OutputKey: "VideoAssetsBucketName", OutputValue: `${SEED_STACK}-video-assets-${LOCAL_ACCOUNT}`, Description: "Bucket of VP video assets", ExportName: `${SEED_STACK}::VideoAssetsBucketName` },
      { OutputKey: "PublicKeyParameterName", OutputValue: `/${SEED_STACK}/publicKeyArn`, Description: "SSM parameter naming the current public key", ExportName: `${SEED_STACK}::PublicKeyParameterName` },
    ],
    Resources: [
      { LogicalResourceId: "VpcB2B7A4B8", PhysicalResourceId: "vpc-0a1b2c3d4e5f60718", ResourceType: "AWS::EC2::VPC" },
      { LogicalResourceId: "VpcPublicSubnet1Subnet5C2D37C4", PhysicalResourceId: "subnet-0a1b2c3d4e5f60001", ResourceType: "AWS::EC2::Subnet" },
      { LogicalResourceId: "VpcPublicSubnet2Subnet691E08A3", PhysicalResourceId: "subnet-0a1b2c3d4e5f60002", ResourceType: "AWS::EC2::Subnet" },
      { LogicalResourceId: "VirtualParticipantSecurityGroup8F6F0A1B", PhysicalResourceId: "sg-0a1b2c3d4e5f60003", ResourceType: "AWS::EC2::SecurityGroup" },
      { LogicalResourceId: "VirtualParticipantCluster2A8B1C3D", PhysicalResourceId: clusterName, ResourceType: "AWS::ECS::Cluster" },
      { LogicalResourceId: "VirtualParticipantTaskDefinition4E5F6A7B", PhysicalResourceId: taskDefinitionArn, ResourceType: "AWS::ECS::TaskDefinition" },
      { LogicalResourceId: "ParticipantTokenSigningKeySecret9C0D1E2F", PhysicalResourceId: secretArn, ResourceType: "AWS::SecretsManager::Secret" },
      { LogicalResourceId: "PublicKeyArnParameter3A4B5C6D", PhysicalResourceId: `/${SEED_STACK}/publicKeyArn`, ResourceType: "AWS::SSM::Parameter" },
    ],
    Tags: [{ Key: "ivsctl:local", Value: "true" }],
  };
  store.put(STACK_KIND, stackId, stack);
}
