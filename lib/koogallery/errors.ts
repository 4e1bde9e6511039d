// Typed errors for the protocol library. Messages never carry keys, plaintexts or
// ciphertexts, so callers may log them and map `code` to a KooGallery result code.

export type KooGalleryCryptoErrorCode = "BAD_KEY" | "BAD_IV" | "BAD_CIPHERTEXT" | "DECRYPT_FAILED" | "BAD_PRIVATE_KEY" | "BAD_PUBLIC_KEY" | "OAEP_NO_VARIANT";

export type KooGalleryProtocolErrorCode = "MISSING_KEY" | "MISSING_TIMESTAMP" | "UNSERIALIZABLE" | "BAD_EXTEND_PARAMS" | "BAD_REQUEST";

/** An error whose `code` callers switch on; the subclasses tell a crypto failure from a protocol misuse. */
abstract class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
  }
}

export class KooGalleryCryptoError extends CodedError<KooGalleryCryptoErrorCode> {
  override name = "KooGalleryCryptoError";
}

export class KooGalleryProtocolError extends CodedError<KooGalleryProtocolErrorCode> {
  override name = "KooGalleryProtocolError";
}
