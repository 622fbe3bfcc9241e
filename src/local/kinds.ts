/** Store kinds that several emulated services and the seeds share: the ECS cluster/task definition and secrets. */
export const SEED_KIND = {
  ecsCluster: "ecs:cluster",
  ecsTaskDefinition: "ecs:task-definition",
  secret: "secretsmanager:secret",
} as const;

/** A seeded ECS backend: an ACTIVE cluster and a Fargate task definition (revision 1) in the store. */
export function seedEcsBackend(
  store: { put<T>(kind: string, id: string, doc: T): T },
  o: { clusterArn: string; clusterName: string; taskDefinitionArn: string; family: string; cpu: string; memory: string; containerDefinitions: unknown[]; extra?: Record<string, unknown> },
): void {
  store.put(SEED_KIND.ecsCluster, o.clusterArn, { clusterArn: o.clusterArn, clusterName: o.clusterName, status: "ACTIVE" });
  store.put(SEED_KIND.ecsTaskDefinition, o.taskDefinitionArn, {
    taskDefinitionArn: o.taskDefinitionArn,
    family: o.family,
    revision: 1,
    status: "ACTIVE",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: o.cpu,
    memory: o.memory,
    ...o.extra,
    containerDefinitions: o.containerDefinitions,
  });
}
