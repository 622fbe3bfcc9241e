/** Store kinds that several emulated services and the seeds share: the ECS cluster/task definition and secrets. */
export const SEED_KIND = {
  ecsCluster: "ecs:cluster",
  ecsTaskDefinition: "ecs:task-definition",
  secret: "secretsmanager:secret",
} as const;
