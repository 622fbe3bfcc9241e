/**
 * Ingest URLs, built in one place. AWS ingest endpoints are bare hosts (RTMPS on 443); the local
 * emulator's carries its own port, which is kept instead of adding :443.
 */
function hostWithPort(ingestEndpoint: string, defaultPort: number): string {
  return /:\d+$/.test(ingestEndpoint) ? ingestEndpoint : `${ingestEndpoint}:${defaultPort}`;
}

export function rtmpsIngestUrl(ingestEndpoint: string, streamKey = ""): string {
  return `rtmps://${hostWithPort(ingestEndpoint, 443)}/app/${streamKey}`;
}

export function rtmpIngestUrl(ingestEndpoint: string, streamKey = ""): string {
  return `rtmp://${ingestEndpoint}/app/${streamKey}`;
}

export function srtIngestUrl(srtEndpoint: string, streamKey: string, passphrase: string): string {
  return `srt://${hostWithPort(srtEndpoint, 9000)}?streamid=${encodeURIComponent(streamKey)}&passphrase=${encodeURIComponent(passphrase)}`;
}
