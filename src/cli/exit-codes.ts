/** Documented exit codes (README "Exit codes"). Scripts depend on these numbers: never renumber. */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  Config: 3,
  NotFound: 4,
  State: 5,
  Throttled: 6,
  ExternalTool: 7,
  /** SIGINT (Ctrl-C): 128 + 2. */
  Interrupted: 130,
  /** SIGTERM: 128 + 15. */
  Terminated: 143,
  /** SIGHUP (the terminal went away): 128 + 1. */
  HungUp: 129,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
