# The virtual-participant image: the compiled ivsctl plus ffmpeg, entrypoint `ivsctl vp run` (README
# "The VP image"). It reads the container environment `ivsctl vp invite` passes (STAGE_ARN,
# PARTICIPANT_TOKEN, WHIP_URL, ASSET_NAME, ...) and publishes to the stage over WHIP until ECS stops it.
#
#   bun run build:all                      # dist/release/ivsctl-linux-x64 (and -arm64)
#   docker build -t ivsctl-vp .            # --build-arg BINARY=dist/release/ivsctl-linux-arm64 for Graviton
#
# Not built by the test suite (no container daemon there): test/e2e/vp-run.test.ts runs the same
# entrypoint as a host process with the same environment.
FROM debian:bookworm-slim

# ffmpeg encodes the asset (H.264 Constrained Baseline + Opus); ca-certificates for HTTPS to IVS's WHIP endpoint.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ARG BINARY=dist/release/ivsctl-linux-x64
COPY ${BINARY} /usr/local/bin/ivsctl

# No root needed: WebRTC uses ephemeral UDP ports, ffmpeg writes nothing.
USER nobody
ENV NO_COLOR=1
# ECS stops a task with SIGTERM: vp run sends the WHIP DELETE and exits 0 (then SIGKILL after stopTimeout).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ivsctl", "vp", "run"]
