// The PostgreSQL pool's startup options: TimeZone=UTC after whatever options
// DATABASE_URL carries, since node-postgres lets the URL's `options` replace
// the config's (the sessions themselves are checked in lib/db-zone-*.test.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { utcSessionConfigOf } from "./db";

test("a URL without options gets TimeZone=UTC and stays as it was", () => {
  assert.deepEqual(utcSessionConfigOf("postgresql://u:p%40ss@db.example:5432/portal?sslmode=require"), {
    connectionString: "postgresql://u:p%40ss@db.example:5432/portal?sslmode=require",
    options: "-c TimeZone=UTC",
  });
  assert.deepEqual(utcSessionConfigOf("postgres://db.example/portal"), { connectionString: "postgres://db.example/portal", options: "-c TimeZone=UTC" });
});

test("the URL's own options come first and leave the URL, so UTC wins over a TimeZone there", () => {
  assert.deepEqual(utcSessionConfigOf("postgresql://db.example/portal?options=-c%20search_path%3Dkg&sslmode=require"), {
    connectionString: "postgresql://db.example/portal?sslmode=require",
    options: "-c search_path=kg -c TimeZone=UTC",
  });
  assert.deepEqual(utcSessionConfigOf("postgresql://db.example/portal?sslmode=require&options=-c+TimeZone%3DAsia%2FShanghai"), {
    connectionString: "postgresql://db.example/portal?sslmode=require",
    options: "-c TimeZone=Asia/Shanghai -c TimeZone=UTC",
  });
  assert.deepEqual(utcSessionConfigOf("postgresql://db.example/portal?a=1&options=x&b=2"), {
    connectionString: "postgresql://db.example/portal?a=1&b=2",
    options: "x -c TimeZone=UTC",
  });
});

test("a URL node-postgres reads with a dummy host (socket in the query) keeps working", () => {
  assert.deepEqual(utcSessionConfigOf("postgresql://u:p@/portal?host=/var/run/postgresql&options=-c%20statement_timeout%3D5000"), {
    connectionString: "postgresql://u:p@/portal?host=/var/run/postgresql",
    options: "-c statement_timeout=5000 -c TimeZone=UTC",
  });
});
