// An independent verifier for panel-tui decision logs (formats panel-tui/decisions/2, /3 and /4), written
// in JavaScript from docs/formats.md alone: no panel-tui code, only a TOML parser. Format 3 hashes the
// same way; its entries carry entered_by (required) and, when replayed, decided_at. A format-3 dismissal
// names an entry kept aside in decisions.refused.toml (its own hash intact), once while it stands.
// Format 4 is format 3 whose session keeps its rules: framework.toml beside the log, whose SHA-256 is the
// header's framework_sha256 (a missing copy, or one whose bytes differ, fails).
// Usage: node verify.mjs SESSION_DIR   -> prints "ok <entries> <head>" (exit 0) or the problem (exit 1)
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";

// Keys in ascending Unicode code point order (not UTF-16 code units, JavaScript's default sort).
function byCodePoint(a, b) {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// Canonical JSON: no whitespace, keys by code point, strings as JSON.stringify writes them
// (only '"', '\' and U+0000-U+001F escaped), integers in decimal; anything else is not allowed.
function canon(v) {
  if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
  if (typeof v === "object" && v !== null) {
    return "{" + Object.keys(v).sort(byCodePoint).map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
  }
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  throw new Error(`value of type ${typeof v} cannot be hashed`);
}

export function H(table) {
  const body = { ...table };
  delete body.hash;
  return createHash("sha256").update(Buffer.from(canon(body), "utf8")).digest("hex");
}

// The hashes of the entries kept aside beside the log whose own hash still matches them.
function keptAside(dir) {
  const path = join(dir, "decisions.refused.toml");
  if (!existsSync(path)) return new Set();
  const items = parse(readFileSync(path, "utf8")).refused || [];
  return new Set(items.map((r) => r.entry).filter((e) => e && e.hash === H(e)).map((e) => e.hash));
}

function verify(dir) {
  const doc = parse(readFileSync(join(dir, "decisions.toml"), "utf8"));
  const extra = Object.keys(doc).filter((k) => k !== "log" && k !== "entry");
  if (extra.length) return `extra top-level keys: ${extra}`;
  const log = doc.log;
  const v4 = log.format === "panel-tui/decisions/4";
  const v3 = log.format === "panel-tui/decisions/3" || v4; // format 4 has format 3's entries
  if (log.format !== "panel-tui/decisions/2" && !v3) return `not format 2, 3 or 4: ${log.format}`;
  const insp = createHash("sha256").update(readFileSync(join(dir, "inspection.toml"))).digest("hex");
  if (insp !== log.inspection_sha256) return "inspection changed";
  if (v4) {
    const copy = join(dir, "framework.toml");
    if (!existsSync(copy) || lstatSync(copy).isSymbolicLink() || !lstatSync(copy).isFile()) return "framework copy missing";
    const fw = createHash("sha256").update(readFileSync(copy)).digest("hex");
    if (fw !== log.framework_sha256) return "framework changed";
  }
  // Times (docs/formats.md, "When an entry may be dated"): not before created or the entry before it,
  // not later than now, each with a day's slack; formats 1 and 2 keep a replayed entry's own time.
  const DAY = 86400000, now = Date.parse(process.env.PANEL_TUI_FROZEN_TIME || new Date().toISOString());
  const created = Date.parse(log.created);
  let lastAt = null;
  let prev = H(log), signed = false, aside = null;
  const dismissed = new Map(); // kept-aside hash -> seq of its standing dismissal
  const entries = doc.entry || [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i], n = i + 1;
    if (e.seq !== n) return `entry ${n}: seq`;
    if (e.prev !== prev) return `entry ${n}: chain`;
    if (e.hash !== H(e)) return `entry ${n}: hash`;
    if (v3 && typeof e.entered_by !== "string") return `entry ${n}: no entered_by (format 3)`;
    if (!v3 && ("entered_by" in e || "decided_at" in e)) return `entry ${n}: format-3 key in a format-2 log`;
    if ("decided_at" in e && !("replayed_from" in e)) return `entry ${n}: decided_at without replayed_from`;
    const at = Date.parse(e.at);
    if (at > now + DAY) return `entry ${n}: dated in the future`;
    if (!("replayed_from" in e && !v3)) {
      if (at < created - DAY) return `entry ${n}: dated before the log was created`;
      if (lastAt !== null && at < lastAt - DAY) return `entry ${n}: dated before the entry before it`;
      lastAt = at;
    }
    if (signed && e.kind !== "reopen") return `entry ${n}: after sign-off`;
    if (e.kind === "dismissal") {
      if (!v3) return `entry ${n}: a dismissal in a format-2 log`;
      aside = aside || keptAside(dir);
      if (!aside.has(e.kept_aside)) return `entry ${n}: dismisses no entry kept aside`;
      if (dismissed.has(e.kept_aside)) return `entry ${n}: already dismissed by entry ${dismissed.get(e.kept_aside)}`;
      dismissed.set(e.kept_aside, n);
    }
    if (e.kind === "retraction") {
      const t = entries[e.retracts - 1];
      if (t && t.kind === "dismissal" && dismissed.get(t.kept_aside) === t.seq) dismissed.delete(t.kept_aside);
    }
    if (e.kind === "sign-off") signed = true;
    if (e.kind === "reopen") signed = false;
    prev = e.hash;
  }
  return `ok ${entries.length} ${prev}`;
}

if (process.argv[2] === "--hash") {
  // node verify.mjs --hash '<json of a table>': the hash of one table, for the docs' test vectors
  const table = JSON.parse(process.argv[3]);
  const body = { ...table };
  delete body.hash;
  process.stdout.write(H(table) + "\n" + canon(body) + "\n");
} else {
  let result;
  try {
    result = verify(process.argv[2]);
  } catch (err) {
    result = `error: ${err.message}`;
  }
  console.log(result);
  process.exit(result.startsWith("ok ") ? 0 : 1);
}
