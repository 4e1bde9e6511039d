// Kit applicationSync clientSecret (protocol:encryption.md#rsa-clientsecret, protocol:open-questions.md#rsa-oaep-parameters): RSA-OAEP with undocumented
// digests, so the three plausible variants are tried. Java's "OAEPWithSHA-256AndMGF1Padding" default is
// SHA-256 with MGF1-SHA-1, which node:crypto cannot express; node-forge covers that one.
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { KooGalleryCryptoError } from "./errors";

export type OaepVariant = "sha256-mgf1sha256" | "sha1-mgf1sha1" | "sha256-mgf1sha1";

export const oaepVariants: readonly OaepVariant[] = ["sha256-mgf1sha256", "sha1-mgf1sha1", "sha256-mgf1sha1"];

// The app-credential page takes the public key without BEGIN/END lines; accept keys in that
// form too, so the same text can live in configuration.
function toPem(key: string, label: "PRIVATE KEY" | "PUBLIC KEY"): string {
  const trimmed = key.trim();
  if (trimmed.includes("-----BEGIN")) return trimmed;
  const body =
    trimmed
      .replace(/\s+/g, "")
      .match(/.{1,64}/g)
      ?.join("\n") ?? "";
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
}

function loadPrivateKey(privateKeyPem: string): KeyObject {
  try {
    return createPrivateKey(toPem(privateKeyPem, "PRIVATE KEY"));
  } catch {
    throw new KooGalleryCryptoError("BAD_PRIVATE_KEY", "RSA private key could not be read");
  }
}

function loadPublicKey(publicKeyPem: string): KeyObject {
  try {
    return createPublicKey(toPem(publicKeyPem, "PUBLIC KEY"));
  } catch {
    throw new KooGalleryCryptoError("BAD_PUBLIC_KEY", "RSA public key could not be read");
  }
}

function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits || key.asymmetricKeyType !== "rsa") throw new KooGalleryCryptoError("BAD_PRIVATE_KEY", "key is not an RSA key");
  return Math.ceil(bits / 8);
}

/** Base64 (standard or URL-safe, whitespace ignored), or hex when that gives the right size. */
function decodeCiphertext(text: string, expectedLength: number): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (/^[0-9a-fA-F]+$/.test(compact) && compact.length === expectedLength * 2) return Buffer.from(compact, "hex");
  const standard = compact.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(standard)) {
    throw new KooGalleryCryptoError("BAD_CIPHERTEXT", "clientSecret is not Base64");
  }
  const bytes = Buffer.from(standard, "base64");
  if (bytes.length !== expectedLength) {
    throw new KooGalleryCryptoError("BAD_CIPHERTEXT", "clientSecret length does not match the RSA key size");
  }
  return bytes;
}

function forgeMd(name: "sha1" | "sha256"): forge.md.MessageDigest {
  return name === "sha1" ? forge.md.sha1.create() : forge.md.sha256.create();
}

function decryptWith(variant: OaepVariant, key: KeyObject, ciphertext: Buffer): Buffer {
  if (variant !== "sha256-mgf1sha1") {
    const oaepHash = variant === "sha1-mgf1sha1" ? "sha1" : "sha256";
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext);
  }
  const pkcs1 = key.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pkcs1);
  const plain = forgeKey.decrypt(ciphertext.toString("binary"), "RSA-OAEP", {
    md: forgeMd("sha256"),
    mgf1: { md: forgeMd("sha1") },
  });
  return Buffer.from(plain, "binary");
}

export interface DecryptedClientSecret {
  plaintext: string;
  variant: OaepVariant;
}

export function decryptClientSecret(cipherBase64: string, privateKeyPem: string): DecryptedClientSecret {
  const key = loadPrivateKey(privateKeyPem);
  const ciphertext = decodeCiphertext(cipherBase64, modulusBytes(key));
  for (const variant of oaepVariants) {
    let plain: Buffer;
    try {
      plain = decryptWith(variant, key, ciphertext);
    } catch {
      continue; // wrong digest pair: OAEP's label-hash check fails
    }
    try {
      return { plaintext: new TextDecoder("utf-8", { fatal: true }).decode(plain), variant };
    } catch {
      continue;
    }
  }
  throw new KooGalleryCryptoError("OAEP_NO_VARIANT", `clientSecret could not be decrypted with any OAEP variant (tried ${oaepVariants.join(", ")})`);
}

/** Base64 ciphertext, as KooGallery would send it; used by tests and the request signer. */
export function encryptClientSecret(plain: string, publicKeyPem: string, variant: OaepVariant): string {
  const key = loadPublicKey(publicKeyPem);
  const data = Buffer.from(plain, "utf8");
  if (variant !== "sha256-mgf1sha1") {
    const oaepHash = variant === "sha1-mgf1sha1" ? "sha1" : "sha256";
    return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data).toString("base64");
  }
  const forgeKey = forge.pki.publicKeyFromPem(key.export({ type: "spki", format: "pem" }).toString());
  const encrypted = forgeKey.encrypt(data.toString("binary"), "RSA-OAEP", {
    md: forgeMd("sha256"),
    mgf1: { md: forgeMd("sha1") },
  });
  return Buffer.from(encrypted, "binary").toString("base64");
}
