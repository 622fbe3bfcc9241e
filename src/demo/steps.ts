/** The demo's steps, in mission order. Each capability adds its steps here. */
import type { DemoStep } from "./demo.ts";

export const demoSteps: DemoStep[] = [
  {
    title: "Stack outputs: the roles ivsctl resolves from the seeded stack",
    async run({ ctx }) {
      const { showStackOutputs } = await import("../stack/outputs.ts");
      await showStackOutputs(ctx, { overrides: {} });
    },
  },
  {
    title: "Create a low-latency channel",
    async run(state) {
      const { createChannel } = await import("../channel/channels.ts");
      const made = await createChannel(state.ctx, { name: "demo-channel", type: "STANDARD", latencyMode: "LOW", tags: { demo: "ivsctl" }, dryRun: false });
      state.values.channelArn = made!.channel.arn!;
    },
  },
  {
    title: "List channels",
    async run({ ctx }) {
      const { listChannels } = await import("../channel/channels.ts");
      await listChannels(ctx, {});
    },
  },
  {
    title: "Update the channel: latency NORMAL",
    async run(state) {
      const { updateChannel } = await import("../channel/channels.ts");
      await updateChannel(state.ctx, { channel: state.values.channelArn!, latencyMode: "NORMAL", dryRun: false });
    },
  },
  {
    title: "Delete the channel",
    async run(state) {
      const { deleteChannel } = await import("../channel/channels.ts");
      await deleteChannel(state.ctx, { channel: state.values.channelArn!, dryRun: false });
    },
  },
];
