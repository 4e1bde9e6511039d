import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeBodySign, formatBodySignHeader, parseBodySignHeader, verifyBodySign } from "./body-sign";
import { KooGalleryProtocolError } from "./errors";

const key = "demo-access-key-0123456789";
const body = '{"resultCode":"000000","resultMsg":"success.","instanceId":"61e834ba-7b97-4418-b8f7-e5345137278c"}';
const header = 'sign_type="HMAC-SHA256", signature= "ojYj1QrXkDXyTtOV74ok+W03BRdD8OFIFrMDmsHAOP4="';

describe("Body-Sign (protocol:test-vectors.md#v1-body-sign)", () => {
  it("reproduces the header byte for byte", () => {
    assert.equal(formatBodySignHeader(computeBodySign(key, body)), header);
  });

  it("signs bytes and strings alike", () => {
    assert.equal(computeBodySign(key, Buffer.from(body, "utf8")), computeBodySign(key, body));
  });

  it("signs whitespace too", () => {
    assert.notEqual(computeBodySign(key, `${body}\n`), computeBodySign(key, body));
  });

  it("refuses an empty key", () => {
    assert.throws(() => computeBodySign("", body), KooGalleryProtocolError);
  });
});

describe("parseBodySignHeader", () => {
  it("accepts the documented form and variants in spacing", () => {
    const expected = { signType: "HMAC-SHA256", signature: "ojYj1QrXkDXyTtOV74ok+W03BRdD8OFIFrMDmsHAOP4=" };
    assert.deepEqual(parseBodySignHeader(header), expected);
    assert.deepEqual(parseBodySignHeader('sign_type="HMAC-SHA256",signature="ojYj1QrXkDXyTtOV74ok+W03BRdD8OFIFrMDmsHAOP4="'), expected);
    assert.deepEqual(parseBodySignHeader(' sign_type = "HMAC-SHA256" ,  signature =  "ojYj1QrXkDXyTtOV74ok+W03BRdD8OFIFrMDmsHAOP4=" '), expected);
  });

  it("returns null for anything else", () => {
    for (const bad of [undefined, null, "", "signature=abc", 'sign_type=HMAC-SHA256, signature= "x"', 'signature= "x", sign_type="HMAC-SHA256"']) {
      assert.equal(parseBodySignHeader(bad), null, String(bad));
    }
  });
});

describe("verifyBodySign", () => {
  it("accepts the right signature", () => {
    assert.equal(verifyBodySign(key, body, header), true);
  });

  it("rejects a changed body, wrong key, other algorithm or missing header", () => {
    assert.equal(verifyBodySign(key, body.replace("000000", "000001"), header), false);
    assert.equal(verifyBodySign("other", body, header), false);
    assert.equal(verifyBodySign(key, body, header.replace("HMAC-SHA256", "HMAC-SHA1")), false);
    assert.equal(verifyBodySign(key, body, undefined), false);
    assert.equal(verifyBodySign("", body, header), false);
  });
});
