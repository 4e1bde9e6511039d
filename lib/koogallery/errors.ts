// Typed errors for the protocol library. Messages never carry keys, plaintexts or
// ciphertexts, so callers may log them and map `code` to a KooGallery result code.

export type KooGalleryCryptoErrorCode = "BAD_KEY" | "BAD_IV" | "BAD_CIPHERTEXT" | "DECRYPT_FAILED" | "BAD_PRIVATE_KEY" | "BAD_PUBLIC_KEY" | "OAEP_NO_VARIANT";

export type KooGalleryProtocolErrorCode = "MISSING_KEY" | "MISSING_TIMESTAMP" | "UNSERIALIZABLE" | "BAD_EXTEND_PARAMS" | "BAD_REQUEST";

export class KooGalleryCryptoError extends Error {
  readonly code: KooGalleryCryptoErrorCode;

  constructor(code: KooGalleryCryptoErrorCode, message: string) {
    super(message);
    this.name = "KooGalleryCryptoError";
    this.code = code;
  }
}

export class KooGalleryProtocolError extends Error {
  readonly code: KooGalleryProtocolErrorCode;

  constructor(code: KooGalleryProtocolErrorCode, message: string) {
    super(message);
    this.name = "KooGalleryProtocolError";
    this.code = code;
  }
}
