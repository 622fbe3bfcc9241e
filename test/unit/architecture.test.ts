/**
 * The shape of the import graph, checked from the source text:
 * - the emulator (src/local/**) is a judge, not an echo: it imports only src/local/**, the neutral
 *   src/contract/** and packages, never the client's own validation or token code;
 * - src/ and commands/ hold no import circle (static imports and literal dynamic `import("...")`).
 * Imports are read with Bun's own parser (Bun.Transpiler.scanImports), so comments and strings never count.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

export interface ImportEdge {
  from: string;
  /** Repository-relative file, or the bare package specifier. */
  to: string;
  kind: "static" | "dynamic";
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  return readdirSync(abs).flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return tsFiles(join(dir, name));
    return name.endsWith(".ts") ? [join(dir, name)] : [];
  });
}

const runtimeScanner = new Bun.Transpiler({ loader: "ts" });

/** Erase the `type` markers so the scanner keeps type-only imports too (it drops them as erased code). */
function withTypeImportsAsValues(source: string): string {
  return source
    .replace(/\bimport\s+type\s+/g, "import ")
    .replace(/\bexport\s+type\s+(\{|\*)/g, "export $1")
    .replace(/([{,]\s*)type\s+(?=[A-Za-z_$])/g, "$1");
}

function resolveTarget(fromFile: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const base = resolve(ROOT, dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate);
  }
  throw new Error(`${fromFile}: cannot resolve import "${specifier}"`);
}

/** Every import of `file`: runtime ones (static and literal dynamic) and type-only ones, marked. */
export function importsOf(file: string, source = readFileSync(join(ROOT, file), "utf8")): ImportEdge[] {
  const runtime = runtimeScanner.scanImports(source);
  const runtimeKeys = new Set(runtime.map((i) => `${i.kind}|${i.path}`));
  const all = runtimeScanner.scanImports(withTypeImportsAsValues(source));
  return all
    .filter((i) => i.kind === "import-statement" || i.kind === "dynamic-import" || i.kind === "require-call")
    .map((i) => ({
      from: file,
      to: resolveTarget(file, i.path),
      kind: i.kind === "dynamic-import" ? ("dynamic" as const) : ("static" as const),
      typeOnly: !runtimeKeys.has(`${i.kind}|${i.path}`),
    }));
}

function isPackage(specifier: string): boolean {
  if (specifier.startsWith("node:") || specifier.startsWith("bun:") || builtinModules.includes(specifier)) return true;
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return name in PACKAGE.dependencies || name in PACKAGE.devDependencies;
}

/** Which edges out of the emulator reach code other than the emulator, the neutral contract, or a package. */
export function emulatorEscapes(edges: ImportEdge[]): ImportEdge[] {
  return edges.filter((e) => {
    if (!e.to.includes("/") || !e.to.startsWith("src/") && !e.to.startsWith("commands/") && !e.to.startsWith("test/") && !e.to.startsWith("bench/")) {
      return !isPackage(e.to);
    }
    return !e.to.startsWith("src/local/") && !e.to.startsWith("src/contract/");
  });
}

/**
 * Import circles as strongly connected components (Tarjan's DFS), each with one concrete circle
 * through its first file so the report shows the path.
 */
export function importCircles(graph: Map<string, string[]>): { files: string[]; path: string[] }[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((files) => ({ files, path: shortestCircle(graph, files) }));
}

/** The shortest circle from the component's first file back to itself (BFS inside the component). */
function shortestCircle(graph: Map<string, string[]>, files: string[]): string[] {
  const inside = new Set(files);
  const start = files[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = previous.get(x)!) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/**
 * The file graph. Type-only imports count: they are erased at run time, but they tie two modules'
 * designs together as much as a value import does (the known circle below closes through one).
 */
function fileGraph(edges: ImportEdge[], files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (graph.has(e.to)) graph.get(e.from)!.push(e.to);
  return graph;
}

// ---------------------------------------------------------------------------------------------

/**
 * The one known edge out of the emulator: join verification still uses the client's ES384 code.
 * The token change (verify with jose, independently of signEs384) removes it; this test then fails
 * until the entry is deleted, so the exception cannot outlive its reason.
 */
const KNOWN_EMULATOR_ESCAPES: { from: string; to: string }[] = [];

/**
 * Circles that exist today, each as its sorted files. Any other circle fails, and so does an entry
 * here that no longer exists.
 */
const KNOWN_CIRCLES: string[][] = [];

const emulatorFiles = tsFiles("src/local");
const codeFiles = [...tsFiles("src"), ...tsFiles("commands")];

describe("the emulator imports only src/local, src/contract and packages", () => {
  test("no import leaves the emulator (an exception must be listed, and goes once its import does)", () => {
    const escapes = emulatorEscapes(emulatorFiles.flatMap((f) => importsOf(f)));
    const unexpected = escapes.filter((e) => !KNOWN_EMULATOR_ESCAPES.some((k) => k.from === e.from && k.to === e.to));
    expect(unexpected.map((e) => `${e.from} -> ${e.to}${e.typeOnly ? " (type)" : ""}`)).toEqual([]);
    const stale = KNOWN_EMULATOR_ESCAPES.filter((k) => !escapes.some((e) => e.from === k.from && e.to === k.to));
    expect(stale.map((k) => `${k.from} -> ${k.to} no longer exists: delete it from KNOWN_EMULATOR_ESCAPES`)).toEqual([]);
  });

  test("the scan sees every kind of import, type-only ones included, and not those in comments or strings", () => {
    const source = [
      `import type { Context } from "../cli/context.ts";`,
      `import { type Env } from "../cli/io.ts";`,
      `import { parseArn } from "../contract/arn.ts";`,
      `export { ExitCode } from "../cli/exit-codes.ts";`,
      `import { Database } from "bun:sqlite";`,
      `import { jwtVerify } from "jose";`,
      `import leftpad from "left-pad";`,
      `// import { x } from "../tokens/participant.ts";`,
      `const text = 'import("../cli/redact.ts")';`,
      `const later = () => import("../cli/wait.ts");`,
    ].join("\n");
    const edges = importsOf("src/local/probe.ts", source);
    expect(edges.map((e) => [e.to, e.kind, e.typeOnly])).toEqual([
      ["src/cli/context.ts", "static", true],
      ["src/cli/io.ts", "static", true],
      ["src/contract/arn.ts", "static", false],
      ["src/cli/exit-codes.ts", "static", false],
      ["bun:sqlite", "static", false],
      ["jose", "static", false],
      ["left-pad", "static", false],
      ["src/cli/wait.ts", "dynamic", false],
    ]);
    expect(emulatorEscapes(edges).map((e) => e.to)).toEqual(["src/cli/context.ts", "src/cli/io.ts", "src/cli/exit-codes.ts", "left-pad", "src/cli/wait.ts"]);
  });
});

describe("no import circle in src/ and commands/", () => {
  test("every circle found is a known one, and every known one still exists", () => {
    const edges = codeFiles.flatMap((f) => importsOf(f));
    const circles = importCircles(fileGraph(edges, codeFiles));
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((f, i) => f === b[i]);
    const fresh = circles.filter((c) => !KNOWN_CIRCLES.some((k) => same(k, c.files)));
    expect(fresh.map((c) => `circle: ${c.path.join(" -> ")} (files: ${c.files.join(", ")})`)).toEqual([]);
    const gone = KNOWN_CIRCLES.filter((k) => !circles.some((c) => same(k, c.files)));
    expect(gone.map((k) => `known circle ${k.join(", ")} is gone: delete it from KNOWN_CIRCLES`)).toEqual([]);
  });

  test("the circle finder reports every circle with a path, and ignores acyclic parts", () => {
    const graph = new Map<string, string[]>([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", ["e"]],
      ["e", []],
      ["f", ["f"]],
      ["g", ["h"]],
      ["h", ["g", "e"]],
    ]);
    expect(importCircles(graph)).toEqual([
      { files: ["a", "b", "c"], path: ["a", "b", "c", "a"] },
      { files: ["f"], path: ["f", "f"] },
      { files: ["g", "h"], path: ["g", "h", "g"] },
    ]);
  });
});
