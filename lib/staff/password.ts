// Staff passwords: argon2id with OWASP's minimum parameters (m=19456 KiB, t=2,
// p=1; @node-rs/argon2's defaults, spelled out so a library upgrade cannot
// silently change them). Hashes are PHC strings, so the parameters travel with
// each hash and `needsRehash` can spot old ones after a policy change.
import { randomBytes } from "node:crypto";
import { hash, parseOptions, verify } from "@node-rs/argon2";

export const PASSWORD_MIN_LENGTH = 12;
/** Longer inputs are refused outright: nobody types more, and it bounds the work an attacker can ask for. */
export const PASSWORD_MAX_LENGTH = 256;
/** A password must use this many different characters ("aaaaaaaaaaa1" and "abababababab" are refused). */
export const PASSWORD_MIN_DISTINCT = 6;

// algorithm is left to the library default, Argon2id: its const enum cannot be
// imported under isolatedModules. The tests check the hash says $argon2id$.
const POLICY = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

function lengthOf(plain: string): number {
  return [...plain].length; // code points, so "密码" counts as two characters
}

export async function hashPassword(plain: string): Promise<string> {
  return hash(plain, POLICY);
}

/** False for a wrong password, an over-long one or a malformed hash; never throws on user input. */
export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  if (plain.length > PASSWORD_MAX_LENGTH * 2) return false; // UTF-16 units; the exact cap is checked when set
  try {
    return await verify(passwordHash, plain);
  } catch {
    return false;
  }
}

/** True when the hash was made with other parameters than today's (rehash it after a successful sign-in). */
export function needsRehash(passwordHash: string): boolean {
  try {
    const o = parseOptions(passwordHash);
    return (
      o.memoryCost !== POLICY.memoryCost || o.timeCost !== POLICY.timeCost || o.parallelism !== POLICY.parallelism || !passwordHash.startsWith("$argon2id$")
    );
  } catch {
    return true;
  }
}

/**
 * Why a new password is refused, or undefined when it is acceptable. Simple on
 * purpose (NIST SP 800-63B favours length over composition rules):
 * - 12 to 256 characters;
 * - characters from at least two of: lower-case letters, upper-case letters,
 *   digits, anything else (spaces, punctuation, non-Latin letters), so a
 *   passphrase of words and spaces passes and "abcdefghijkl" does not;
 * - at least 6 different characters.
 * Messages read after "password " and never contain the password.
 */
export function checkPasswordStrength(plain: string): string | undefined {
  const length = lengthOf(plain);
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(plain)).length;
  if (classes < 2) return "must mix at least two kinds of characters (lower-case, upper-case, digits, spaces or symbols)";
  if (new Set(plain).size < PASSWORD_MIN_DISTINCT) return `must use at least ${PASSWORD_MIN_DISTINCT} different characters`;
  return undefined;
}

/**
 * A password for an account an owner creates or resets without typing one:
 * 20 characters from 15 random bytes (base64url, 120 bits), with a digit, a
 * lower- and an upper-case letter always present; shown once to the owner.
 */
export function generatePassword(): string {
  for (;;) {
    const candidate = randomBytes(15).toString("base64url");
    if (/[a-z]/.test(candidate) && /[A-Z]/.test(candidate) && /[0-9]/.test(candidate) && !checkPasswordStrength(candidate)) return candidate;
  }
}
