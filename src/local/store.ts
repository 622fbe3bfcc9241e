import { Database } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/** SQLite's side files next to the database: the write-ahead log, its index, a rollback journal. */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

/**
 * The state holds private keys and stream keys: the file and its side files are 0600, and a
 * directory made for it is 0700 (issue 12, Security 3). SQLite creates -wal/-shm with the database
 * file's mode, so the file is made 0600 before SQLite opens it, whatever the umask. An existing
 * directory is left as it is: a state path may be in a shared one such as /tmp.
 */
function securePrivateFile(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  closeSync(openSync(path, "a", 0o600));
  tightenModes(path);
}

function tightenModes(path: string): void {
  for (const f of [path, ...SIDE_FILES.map((s) => path + s)]) if (existsSync(f)) chmodSync(f, 0o600);
}

const isFile = (path: string) => path !== ":memory:" && path !== "" && !path.startsWith("file:");

/**
 * The emulator's state: JSON documents by kind and id in one SQLite file, so separate ivsctl
 * invocations (and separate emulator processes over time) see the same world. `:memory:` for tests.
 */
export class Store {
  private readonly db: Database;

  constructor(path: string) {
    if (isFile(path)) securePrivateFile(path);
    this.db = new Database(path, { create: true });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
    if (isFile(path)) tightenModes(path);
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS resources (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id))",
    );
    this.db.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  get<T>(kind: string, id: string): T | undefined {
    const row = this.db.query<{ doc: string }, [string, string]>("SELECT doc FROM resources WHERE kind = ? AND id = ?").get(kind, id);
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  /** Insert or replace; a replaced document keeps its place in list order. */
  put<T>(kind: string, id: string, doc: T): T {
    this.db
      .query("INSERT INTO resources (kind, id, seq, doc) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(kind, id) DO UPDATE SET doc = excluded.doc")
      .run(kind, id, this.next("seq"), JSON.stringify(doc));
    return doc;
  }

  delete(kind: string, id: string): boolean {
    return this.db.query("DELETE FROM resources WHERE kind = ? AND id = ?").run(kind, id).changes > 0;
  }

  list<T>(kind: string): T[] {
    return this.db
      .query<{ doc: string }, [string]>("SELECT doc FROM resources WHERE kind = ? ORDER BY seq")
      .all(kind)
      .map((r) => JSON.parse(r.doc) as T);
  }

  count(kind: string): number {
    return this.db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM resources WHERE kind = ?").get(kind)!.n;
  }

  /** Read-modify-write in one transaction. */
  update<T>(kind: string, id: string, change: (doc: T) => T): T | undefined {
    return this.db.transaction(() => {
      const doc = this.get<T>(kind, id);
      if (doc === undefined) return undefined;
      return this.put(kind, id, change(doc));
    })();
  }

  next(counter: string): number {
    return this.db
      .query<{ value: number }, [string]>(
        "INSERT INTO counters (name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
      )
      .get(counter)!.value;
  }

  close(): void {
    this.db.close();
  }
}
