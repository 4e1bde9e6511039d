// Java's Jackson keeps number types that JSON.parse throws away: `1.0` stays a Double and
// is written back as "1.0", and a 20-digit integer stays exact. This module re-reads the raw
// body keeping every number's Java rendering, for candidate payload (d) of protocol:open-questions.md#nested-json.

/** A number whose text must be written verbatim by the canonical serializer. */
export class JavaNumber {
  constructor(readonly text: string) {}
}

/** Java's Double.toString for finite values (shortest round-trip digits, as JDK 19+). */
export function formatJavaDouble(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  // JS "1.5e+21" -> Java "1.5E21"; Java always keeps one fractional digit ("1.0E-5").
  const [mantissa = "", exponent = "0"] = value.toExponential().split("e");
  const javaMantissa = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${javaMantissa}E${Number(exponent)}`;
}

/** Jackson reads integers as int/long/BigInteger (exact) and anything else as Double. */
export function renderJavaNumber(token: string): string {
  if (/^-?\d+$/.test(token)) return token === "-0" ? "0" : token;
  return formatJavaDouble(Number(token));
}

const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_TOKEN = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Parses JSON like JSON.parse but returns numbers as JavaNumber. Throws SyntaxError on
 * anything JSON.parse would reject.
 */
export function parseJsonWithJavaNumbers(raw: string): unknown {
  let pos = 0;

  const fail = (): never => {
    throw new SyntaxError(`Unexpected JSON at position ${pos}`);
  };
  const skipWhitespace = () => {
    while (pos < raw.length && " \t\n\r".includes(raw[pos] ?? "")) pos += 1;
  };
  const matchToken = (pattern: RegExp): string | null => {
    pattern.lastIndex = pos;
    const match = pattern.exec(raw);
    if (!match) return null;
    pos += match[0].length;
    return match[0];
  };
  const readString = (): string => {
    const token = matchToken(STRING_TOKEN);
    return token === null ? fail() : (JSON.parse(token) as string);
  };

  const readValue = (): unknown => {
    skipWhitespace();
    const char = raw[pos];
    if (char === "{") return readObject();
    if (char === "[") return readArray();
    if (char === '"') return readString();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (raw.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    const number = matchToken(NUMBER_TOKEN);
    return number === null ? fail() : new JavaNumber(renderJavaNumber(number));
  };

  /** The members of an object or array, from its opening bracket through `close`. */
  const readMembers = (close: "}" | "]", readMember: () => void): void => {
    pos += 1;
    skipWhitespace();
    if (raw[pos] === close) {
      pos += 1;
      return;
    }
    for (;;) {
      readMember();
      skipWhitespace();
      if (raw[pos] === ",") pos += 1;
      else if (raw[pos] === close) {
        pos += 1;
        return;
      } else fail();
    }
  };

  const readObject = (): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    readMembers("}", () => {
      skipWhitespace();
      const key = readString();
      skipWhitespace();
      if (raw[pos] !== ":") fail();
      pos += 1;
      // defineProperty so a "__proto__" member stays data, as with JSON.parse.
      Object.defineProperty(result, key, {
        value: readValue(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return result;
  };

  const readArray = (): unknown[] => {
    const result: unknown[] = [];
    readMembers("]", () => result.push(readValue()));
    return result;
  };

  const value = readValue();
  skipWhitespace();
  if (pos !== raw.length) fail();
  return value;
}
