// Loaded before every test file (bunfig.toml): in-process emulators (startLocalServer) join VPs in-process,
// without spawning `ivsctl vp run` and ffmpeg per ECS task. test/e2e/vp-run.test.ts opts into real VPs.
process.env.IVSCTL_LOCAL_VP ??= "simulated";
