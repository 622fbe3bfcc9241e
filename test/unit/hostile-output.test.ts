/**
 * Issue 12: control characters never reach a terminal raw. Tag keys, user ids, decoded claims and
 * input echoed in error lines are escaped in table and text output; JSON stays exact; a newline in
 * input cannot forge a second `error:` line.
 */
import { describe, expect, test } from "bun:test";
import { usageError } from "../../src/cli/errors.ts";
import { bufferIO } from "../../src/cli/io.ts";
import { createLogger } from "../../src/cli/log.ts";
import { reportError } from "../../src/cli/main.ts";
import { Output, type OutputFormat } from "../../src/cli/output.ts";

const OSC_TITLE = "\x1b]0;pwned\x07";
const CSI_CLEAR = "\x1b[2J";
const C1_CSI = "\u009b31m";
const hostile = `user${OSC_TITLE}${CSI_CLEAR}${C1_CSI}\r\nerror: forged`;

// Any raw C0 (but \n ending a line and \t as the text separator), DEL or C1 character.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function render(format: OutputFormat): string {
  const io = bufferIO();
  const out = new Output(io, { format, showSecrets: false, color: false });
  out.result({ userId: hostile }, [
    { kind: "table", title: `Tags ${hostile}`, columns: ["key", "value"], rows: [[hostile, "v"]] },
    { kind: "record", fields: [[`User ${hostile}`, hostile]] },
  ]);
  out.line({ userId: hostile }, `participant\t${hostile}`);
  return io.out();
}

describe("table and text output escape control characters", () => {
  for (const format of ["table", "text"] as const) {
    test(format, () => {
      const text = render(format);
      expect(text).not.toMatch(RAW);
      expect(text).toContain("user\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\r\\nerror: forged");
      // one line per row: the \r\n inside the value did not split it
      expect(text.split("\n").filter((l) => l.startsWith("error: forged"))).toEqual([]);
      // the human stream line keeps its intentional tab
      expect(text).toContain("participant\tuser\\x1b");
    });
  }
  test("JSON keeps the exact value (JSON.stringify escapes it)", () => {
    const text = render("json");
    expect(JSON.parse(text.split("\n}\n")[0] + "\n}").userId).toBe(hostile);
    expect(text).not.toMatch(RAW);
  });
});

describe("error lines", () => {
  test("a newline in input does not forge a second error: line; ESC is shown escaped", () => {
    const io = bufferIO();
    reportError(io, usageError(`unknown channel "${hostile}"`, `hint with ${OSC_TITLE}`), { json: true, debug: false });
    const lines = io.err().trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("error:"))).toHaveLength(1);
    expect(lines).toHaveLength(3); // error:, hint:, the JSON error document
    expect(io.err()).not.toMatch(RAW);
    expect(lines[0]).toBe('error: unknown channel "user\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\r\\nerror: forged"');
  });
  test("log lines on stderr are escaped too", () => {
    const io = bufferIO();
    createLogger(io, { quiet: false, debug: false, color: false }).warn(`deleted ${hostile}`);
    expect(io.err()).not.toMatch(RAW);
    expect(io.err().trimEnd().split("\n")).toHaveLength(1);
  });
});
