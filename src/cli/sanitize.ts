/**
 * Text that reaches a terminal never carries raw control characters: a tag value, a participant's
 * user id, a decoded claim or an echoed argument could otherwise move the cursor, retitle the
 * window (OSC), hide text, or forge a second `error:` line with a newline. They are shown escaped
 * (`\n`, `\x1b`, `\u009b`), so what was sent stays visible. JSON output needs none of this:
 * JSON.stringify already escapes every C0 character.
 */

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides
// (which reorder what a terminal shows without being "control" characters).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_EXCEPT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}

/** Escape every control character (a table cell, an error line: one line, no tabs). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** Escape control characters but keep tabs (a human stream line whose columns are tab-separated on purpose). */
export function escapeControlsKeepTabs(text: string): string {
  return text.replace(CONTROL_EXCEPT_TAB, escapeOne);
}
