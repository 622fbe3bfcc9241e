"""An independent WHIP publisher (aiortc, a second WebRTC implementation) for the emulator's tests.

Usage: whip-aiortc.py WHIP_URL SECONDS  (the participant token in the WHIP_TOKEN environment variable)
Publishes a synthetic 320x240 video at 30 fps (H.264 only) and silence (Opus) for SECONDS, then
sends the WHIP DELETE. Prints one JSON line: {"status", "framesSent", "location"}.
"""
import asyncio
import fractions
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import av
import numpy
from aiortc import RTCPeerConnection, RTCRtpSender, RTCSessionDescription, VideoStreamTrack
from aiortc.mediastreams import AudioStreamTrack


class Pattern(VideoStreamTrack):
    """Moving grey bars; counts the frames handed to the encoder."""

    def __init__(self):
        super().__init__()
        self.frames = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        shade = (self.frames * 8) % 256
        image = numpy.full((240, 320, 3), shade, dtype=numpy.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        self.frames += 1
        return frame


def http(method, url, token, body=None):
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", "application/sdp")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.headers, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


async def main(url, seconds, token):
    pc = RTCPeerConnection()
    video = Pattern()
    transceiver = pc.addTransceiver(video, direction="sendonly")
    transceiver.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/H264"])
    pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers every candidate here (no trickle)
    status, headers, body = http("POST", url, token, pc.localDescription.sdp.encode())
    if status != 201:
        print(json.dumps({"status": status, "error": body}))
        await pc.close()
        return
    location = urllib.parse.urljoin(url, headers["Location"])
    await pc.setRemoteDescription(RTCSessionDescription(sdp=body, type="answer"))
    await asyncio.sleep(seconds)
    http("DELETE", location, token)
    await pc.close()
    print(json.dumps({"status": status, "framesSent": video.frames, "location": location}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]), os.environ["WHIP_TOKEN"]))
