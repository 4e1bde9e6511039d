import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { candidatePayloads, canonicalPayload, escapeJacksonString, iterateCandidatePayloads, writeJacksonJson } from "./canonical-json";
import { KooGalleryProtocolError } from "./errors";
import { KIT_TENANT_SYNC_BODY, KIT_TENANT_SYNC_PAYLOAD } from "@/testing/support/koogallery-examples";

const V2_PAYLOAD =
  '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS",' +
  '"orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';

describe("canonicalPayload", () => {
  it("reproduces the protocol:test-vectors.md#v2-basic-request payload from a body in any order", () => {
    const body = {
      testFlag: "1",
      orderLineId: "CS2211181819B4LVS-000001",
      orderId: "CS2211181819B4LVS",
      businessId: "87b94795-0603-4e24-8ae5-69420d60e3c8",
      activity: "newInstance",
    };
    assert.equal(canonicalPayload(body, "top-sorted"), V2_PAYLOAD);
  });

  it("reproduces the protocol:test-vectors.md#kit-tenantsync-request Kit payload from the protocol:kit-interface.md#tenantsync example order", () => {
    assert.equal(canonicalPayload(KIT_TENANT_SYNC_BODY, "top-sorted"), KIT_TENANT_SYNC_PAYLOAD);
  });

  it("drops top-level nulls only", () => {
    assert.equal(canonicalPayload({ b: null, a: { y: null, x: 1 }, c: [null] }, "top-sorted"), '{"a":{"y":null,"x":1},"c":[null]}');
  });

  it("keeps nested order for top-sorted and sorts every level for deep-sorted", () => {
    const body = { z: { b: 1, a: [{ d: 1, c: 2 }] }, y: "x" };
    assert.equal(canonicalPayload(body, "top-sorted"), '{"y":"x","z":{"b":1,"a":[{"d":1,"c":2}]}}');
    assert.equal(canonicalPayload(body, "deep-sorted"), '{"y":"x","z":{"a":[{"c":2,"d":1}],"b":1}}');
  });

  it("sorts keys by UTF-16 code unit, like Java TreeMap", () => {
    // U+1F600 (surrogates D83D DE00) sorts before U+FF5E in UTF-16 order, after it by code point.
    const body = { b: 1, a: 2, B: 3, "\u00e9": 4, "\uFF5E": 5, "\u{1F600}": 6 };
    assert.equal(canonicalPayload(body, "top-sorted"), '{"B":3,"a":2,"b":1,"\u00e9":4,"\u{1F600}":6,"\uFF5E":5}');
  });

  it("renders numbers as JavaScript does", () => {
    assert.equal(
      canonicalPayload(JSON.parse('{"a":1.0,"b":12.78,"c":1e21,"d":-0}') as Record<string, unknown>, "top-sorted"),
      '{"a":1,"b":12.78,"c":1e+21,"d":0}',
    );
  });

  it("refuses values JSON cannot carry", () => {
    assert.throws(() => canonicalPayload({ a: Number.NaN }, "top-sorted"), KooGalleryProtocolError);
    assert.throws(() => canonicalPayload({ a: 1n }, "top-sorted"), KooGalleryProtocolError);
  });
});

describe("escapeJacksonString", () => {
  it("escapes like Jackson", () => {
    assert.equal(escapeJacksonString('q"b\\s/'), '"q\\"b\\\\s/"');
    assert.equal(escapeJacksonString("\b\f\n\r\t"), '"\\b\\f\\n\\r\\t"');
    assert.equal(escapeJacksonString("\u0000\u0001\u001f\u000b"), '"\\u0000\\u0001\\u001F\\u000B"');
    assert.equal(escapeJacksonString("张三 é \u007f \u2028 \u{1F600}"), '"张三 é \u007f \u2028 \u{1F600}"');
  });
});

describe("writeJacksonJson", () => {
  it("keeps member order and skips undefined members", () => {
    assert.equal(writeJacksonJson({ b: 1, a: undefined, c: [undefined, true, false, null] }), '{"b":1,"c":[null,true,false,null]}');
  });
});

describe("candidatePayloads", () => {
  it("collapses to a single candidate for an already canonical flat body", () => {
    const candidates = candidatePayloads(V2_PAYLOAD, JSON.parse(V2_PAYLOAD) as Record<string, unknown>);
    assert.deepEqual(candidates, [{ form: "top-sorted", payload: V2_PAYLOAD }]);
  });

  it("offers four distinct forms for a nested body with Java doubles", () => {
    const raw = '{"testFlag": 0, "b": {"y": 2.0, "x": 1}}';
    const candidates = candidatePayloads(raw, JSON.parse(raw) as Record<string, unknown>);
    assert.deepEqual(candidates, [
      { form: "top-sorted", payload: '{"b":{"y":2,"x":1},"testFlag":0}' },
      { form: "raw", payload: raw },
      { form: "deep-sorted", payload: '{"b":{"x":1,"y":2},"testFlag":0}' },
      { form: "top-sorted-java-numbers", payload: '{"b":{"y":2.0,"x":1},"testFlag":0}' },
    ]);
  });

  it("keeps the first form name when payloads coincide", () => {
    const raw = '{"b":{"x":1},"a":1}';
    const forms = candidatePayloads(raw, JSON.parse(raw) as Record<string, unknown>).map((c) => c.form);
    assert.deepEqual(forms, ["top-sorted", "raw"]);
  });

  it("still offers the other forms when the raw text is odd", () => {
    const candidates = candidatePayloads("not json", { a: 1 });
    assert.deepEqual(
      candidates.map((c) => c.form),
      ["top-sorted", "raw"],
    );
  });
});

describe("the JSON.stringify shortcut for parsed bodies", () => {
  const slowly = (body: Record<string, unknown>, form: "top-sorted" | "deep-sorted") => canonicalPayload(body, form, false);
  const samples = [
    '{"b":{"z":[1,2.5,-0,1e21,{"y":"a/b","x":null}],"a":"张三"},"a":"x"}',
    '{"k":{"ctl":"tab\\there, bell \\u0007, nul \\u0000, del \\u007f","quote":"\\"\\\\"}}',
    '{"k":["lone \\ud800 surrogate", "pair \\ud83d\\ude00", "\\u2028"]}',
    '{"k":{"2":"b","1":"a","x":{"__proto__":1}}}',
    '{"k":{"text":"backslash-u text: \\\\u00e9"}}',
  ];
  for (const raw of samples) {
    it(`writes exactly what the character-by-character writer writes: ${raw.slice(0, 40)}`, () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      for (const form of ["top-sorted", "deep-sorted"] as const) assert.equal(canonicalPayload(body, form, true), slowly(body, form));
    });
  }

  it("a large body tries its raw form first and skips the expensive forms", () => {
    const big = { users: Array.from({ length: 60_000 }, (_, i) => ({ b: i, a: `user ${i}` })), a: 1 };
    const raw = JSON.stringify(big);
    assert.ok(raw.length > 1024 * 1024);
    let parsed = 0;
    const forms = [...iterateCandidatePayloads(raw, () => (parsed++, JSON.parse(raw) as Record<string, unknown>))].map((c) => c.form);
    assert.deepEqual(forms, ["raw", "top-sorted"]);
    const small = { b: { d: 1, c: 2 }, a: 1 };
    assert.deepEqual(
      [...iterateCandidatePayloads('{"b":{"d":1,"c":2},"a":1.0}', small)].map((c) => c.form),
      ["top-sorted", "raw", "deep-sorted", "top-sorted-java-numbers"],
    );
    assert.equal(parsed, 1);
  });

  it("a sender over its refusal budget gets its large bodies checked against the raw form only", () => {
    const raw = JSON.stringify({ list: "x".repeat(100_000), a: 1 });
    let parsed = 0;
    const forms = [...iterateCandidatePayloads(raw, () => (parsed++, JSON.parse(raw) as Record<string, unknown>), { isRawOnlyWhenLarge: true })].map(
      (c) => c.form,
    );
    assert.deepEqual(forms, ["raw"]);
    assert.equal(parsed, 0);
    const small = '{"b":1,"a":2}';
    assert.deepEqual(
      [...iterateCandidatePayloads(small, JSON.parse(small) as Record<string, unknown>, { isRawOnlyWhenLarge: true })].map((c) => c.form),
      ["top-sorted", "raw"],
    );
  });

  it("nothing is parsed while the raw form is being tried", () => {
    const raw = JSON.stringify({ list: "x".repeat(100_000) });
    let parsed = 0;
    const it = iterateCandidatePayloads(raw, () => (parsed++, JSON.parse(raw) as Record<string, unknown>));
    assert.equal(it.next().value?.form, "raw");
    assert.equal(parsed, 0);
  });
});
