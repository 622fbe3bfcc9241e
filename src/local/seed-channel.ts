/**
 * The channel stack `ivsctl local` starts with, `ivsctl-channel`, shaped like the IVS tutorials'
 * CDK stacks (`demo1-ivs-metadata`, `demo2-private-channel` in the amazon-ivs samples): a private
 * channel with its stream key, a playback key pair whose private PEM sits in a Secrets Manager
 * secret, and outputs whose names CDK has mangled (`<stack>outputchannelarn`, …) so that a client
 * must recognise them by value. Every resource carries the tags CloudFormation puts on what it
 * creates (`aws:cloudformation:stack-name`, `logical-id`, `stack-id`: CloudFormation User Guide,
 * "Resource tags").
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { STACK_KIND, type StackDoc } from "./cloudformation.ts";
import { arnFor, LOCAL_ACCOUNT, randomId } from "./ids.ts";
import { KIND, mintStreamKey, type ChannelDoc } from "./ivs.ts";
import { fingerprintOf, type PlaybackKeyPairDoc } from "./ivs-playback-keys.ts";
import type { SecretDoc } from "./secretsmanager.ts";
import { SEED_KIND } from "./kinds.ts";
import type { LocalWorld } from "./service.ts";
import type { Store } from "./store.ts";

export const CHANNEL_STACK = "ivsctl-channel";

/** CDK output logical ids keep only letters and digits of the construct id. */
const mangled = (id: string) => id.replace(/[^A-Za-z0-9]/g, "");

export function seedChannelStack(store: Store, region: string, now: Date, world: LocalWorld): void {
  const existing = store.list<StackDoc>(STACK_KIND).find((s) => s.StackName === CHANNEL_STACK);
  if (existing) return refreshEndpoints(store, existing, world);

  const stackId = arnFor("cloudformation", region, "stack", `${CHANNEL_STACK}/${randomUUID()}`);
  const tags = (logicalId: string) => ({ "aws:cloudformation:stack-name": CHANNEL_STACK, "aws:cloudformation:logical-id": logicalId, "aws:cloudformation:stack-id": stackId });

  const channelId = randomId();
  const channel: ChannelDoc = {
    arn: arnFor("ivs", region, "channel", channelId),
    name: `${CHANNEL_STACK}-channel`,
    latencyMode: "LOW",
    type: "STANDARD",
    recordingConfigurationArn: "",
    ingestEndpoint: world.ingestHost,
    playbackUrl: playbackUrlOf(world, region, channelId),
    authorized: true,
    tags: tags("IvsChannel"),
    insecureIngest: false,
    preset: "",
    srt: { endpoint: world.ingestHost.replace(/:\d+$/, ""), passphrase: randomId(32) },
    playbackRestrictionPolicyArn: "",
    multitrackInputConfiguration: { enabled: false },
    containerFormat: "TS",
  };
  const streamKey = mintStreamKey(region, channel.arn, tags("IvsStreamKey"));

  const pair = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const keyPair: PlaybackKeyPairDoc = {
    arn: arnFor("ivs", region, "playback-key", randomId()),
    name: `${CHANNEL_STACK}-playback-key`,
    fingerprint: fingerprintOf(pair.publicKey),
    tags: tags("IvsPlaybackKeyPair"),
    publicKeyMaterial: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  // The tutorial's user imports the PEM by hand; the seeded stack holds it already.
  const secretName = `${CHANNEL_STACK}-playback-private-key`;
  const secret: SecretDoc = {
    ARN: `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT}:secret:${secretName}-${randomId(6)}`,
    Name: secretName,
    CreatedDate: now.toISOString(),
    Tags: Object.entries(tags("PlaybackPrivateKeySecret")).map(([Key, Value]) => ({ Key, Value })),
    versions: [{ VersionId: randomUUID(), SecretString: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), VersionStages: ["AWSCURRENT"], CreatedDate: now.toISOString() }],
  };

  store.put(KIND.channel, channel.arn, channel);
  store.put(KIND.streamKey, streamKey.arn, streamKey);
  store.put(KIND.playbackKeyPair, keyPair.arn, keyPair);
  store.put(SEED_KIND.secret, secret.ARN, secret);

  const output = (id: string, value: string) => ({ OutputKey: mangled(`${CHANNEL_STACK}-output-${id}`), OutputValue: value });
  const stack: StackDoc = {
    StackName: CHANNEL_STACK,
    StackId: stackId,
    Description: "ivsctl local: a private channel stack shaped like the IVS tutorials' CDK stacks (seeded by the emulator)",
    StackStatus: "CREATE_COMPLETE",
    CreationTime: now.toISOString(),
    Outputs: [
      output("channel-arn", channel.arn),
      output("channel-ingest", channel.ingestEndpoint),
      output("channel-playback", channel.playbackUrl),
      // The tutorials output the stream key's value in clear; clients must never print it.
      output("stream-key", streamKey.value),
      output("secret-manager-arn", secret.ARN),
    ],
    Resources: [
      { LogicalResourceId: "IvsChannel", PhysicalResourceId: channel.arn, ResourceType: "AWS::IVS::Channel" },
      { LogicalResourceId: "IvsStreamKey", PhysicalResourceId: streamKey.arn, ResourceType: "AWS::IVS::StreamKey" },
      { LogicalResourceId: "IvsPlaybackKeyPair", PhysicalResourceId: keyPair.arn, ResourceType: "AWS::IVS::PlaybackKeyPair" },
      { LogicalResourceId: "PlaybackPrivateKeySecret", PhysicalResourceId: secret.ARN, ResourceType: "AWS::SecretsManager::Secret" },
    ],
    Tags: [{ Key: "ivsctl:local", Value: "true" }],
  };
  store.put(STACK_KIND, stackId, stack);
}

function playbackUrlOf(world: LocalWorld, region: string, channelId: string): string {
  return `http://${world.httpHost}/api/video/v1/${region}.${LOCAL_ACCOUNT}.channel.${channelId}.m3u8`;
}

/** A state file outlives the ports it was made with: the seeded channel follows the emulator's. */
function refreshEndpoints(store: Store, stack: StackDoc, world: LocalWorld): void {
  const arn = stack.Resources.find((r) => r.ResourceType === "AWS::IVS::Channel")?.PhysicalResourceId;
  const channel = arn ? store.get<ChannelDoc>(KIND.channel, arn) : undefined;
  if (!channel) return;
  const region = channel.arn.split(":")[3]!;
  channel.ingestEndpoint = world.ingestHost;
  channel.playbackUrl = playbackUrlOf(world, region, channel.arn.split("/").pop()!);
  channel.srt = { ...channel.srt, endpoint: world.ingestHost.replace(/:\d+$/, "") };
  store.put(KIND.channel, channel.arn, channel);
  for (const o of stack.Outputs) {
    if (o.OutputKey.endsWith("outputchannelingest")) o.OutputValue = channel.ingestEndpoint;
    if (o.OutputKey.endsWith("outputchannelplayback")) o.OutputValue = channel.playbackUrl;
  }
  store.put(STACK_KIND, stack.StackId, stack);
}
