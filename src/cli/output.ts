import type { IO } from "./io.ts";
import { redactSecrets } from "./redact.ts";
import { escapeControls, escapeControlsKeepTabs } from "./sanitize.ts";

export const OUTPUT_FORMATS = ["table", "json", "text"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type Cell = string | number | boolean | Date | null | undefined;

/** How a result looks to a person: rows under headers, or one record as key/value lines. */
export type HumanView =
  | { kind: "table"; title?: string; columns: string[]; rows: Cell[][] }
  | { kind: "record"; title?: string; fields: [string, Cell][] };

export interface OutputOptions {
  format: OutputFormat;
  showSecrets: boolean;
  color: boolean;
  /** In-process callers (the demo) receive each result document as well. */
  record?: (json: unknown) => void;
}

/**
 * The only way results reach stdout. JSON keeps the AWS API's field names; table and text are
 * views built by the command. Secrets are redacted here, once, for every format.
 */
export class Output {
  constructor(
    private readonly io: IO,
    readonly options: OutputOptions,
  ) {}

  /** Print one result: `json` is the document for -o json, `views` what a person sees. */
  result(json: unknown, views: HumanView | HumanView[]): void {
    this.options.record?.(json);
    const safeJson = this.options.showSecrets ? json : redactSecrets(json);
    if (this.options.format === "json") {
      this.io.stdout.write(`${jsonText(safeJson, 2)}\n`);
      return;
    }
    const list = (Array.isArray(views) ? views : [views]).map((v) => (this.options.showSecrets ? v : redactSecrets(v)));
    const text = this.options.format === "text" ? list.map(renderText).join("") : list.map((v) => renderHuman(v, this.options.color)).join("\n");
    this.io.stdout.write(text);
  }

  /** A document that is neither data nor a view (a shell script), in every format as it is. */
  raw(text: string): void {
    this.io.stdout.write(text);
  }

  /** One line of a stream (JSON Lines under -o json). */
  line(json: unknown, human: string): void {
    this.options.record?.(json);
    const safe = this.options.showSecrets ? json : redactSecrets(json);
    if (this.options.format === "json") this.io.stdout.write(`${jsonText(safe)}\n`);
    else this.io.stdout.write(`${escapeControlsKeepTabs(this.options.showSecrets ? human : redactSecrets(human))}\n`);
  }
}

/**
 * JSON.stringify escapes C0 characters but leaves DEL, C1 (U+009B is CSI to some terminals) and the
 * bidi/line-separator characters raw: they are written as \uXXXX escapes, which parse to the same value.
 */
function jsonText(value: unknown, indent?: number): string {
  return (JSON.stringify(value, jsonReplacer, indent) ?? "null").replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** A cell as shown to a person: never a raw control character (see sanitize.ts). */
export function formatCell(c: Cell): string {
  if (c === undefined || c === null || c === "") return "-";
  if (c instanceof Date) return c.toISOString().replace(/\.\d{3}Z$/, "Z");
  return escapeControls(String(c));
}

const bold = (s: string, color: boolean) => (color ? `\x1b[1m${s}\x1b[22m` : s);

function renderHuman(view: HumanView, color: boolean): string {
  const title = view.title ? `${bold(escapeControls(view.title), color)}\n` : "";
  if (view.kind === "record") {
    const keys = view.fields.map(([k]) => escapeControls(k));
    const width = Math.max(0, ...keys.map((k) => k.length));
    return title + view.fields.map(([, v], i) => `${bold(keys[i]!.padEnd(width), color)}  ${formatCell(v)}`).join("\n") + "\n";
  }
  if (view.rows.length === 0) return `${title}(none)\n`;
  const cells = view.rows.map((r) => r.map(formatCell));
  const widths = view.columns.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const header = bold(fmt(view.columns.map((c) => c.toUpperCase())), color);
  return `${title}${header}\n${cells.map(fmt).join("\n")}\n`;
}

/** Text: tab-separated, no headers, for `cut` and `while read`. */
function renderText(view: HumanView): string {
  if (view.kind === "record") return view.fields.map(([k, v]) => `${escapeControls(k)}\t${formatCell(v)}\n`).join("");
  return view.rows.map((r) => `${r.map(formatCell).join("\t")}\n`).join("");
}
