/**
 * Finds the offset of the first syntax error in JSON text. Node 20's JSON.parse reports a position for some
 * errors but not for others ("Unexpected token ']', … is not valid JSON", "Unexpected end of JSON input"),
 * and a user fixing a data file needs a line and column every time. Runs only after JSON.parse has failed.
 */
export function findJsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i += 1;
    }
  };
  const string = () => {
    i += 1; // opening quote
    while (i < text.length) {
      const char = text[i] as string;
      if (char === '"') {
        i += 1;
        return;
      }
      if (char === '\\') i += 1;
      else if (char < ' ') fail();
      i += 1;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0].length === 0) fail();
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === '{') container('}', true);
    else if (char === '[') container(']', false);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
  };
  const container = (close: string, isObject: boolean) => {
    i += 1;
    skipSpace();
    if (text[i] === close) {
      i += 1;
      return;
    }
    for (;;) {
      if (isObject) {
        skipSpace();
        if (text[i] !== '"') fail();
        string();
        skipSpace();
        if (text[i] !== ':') fail();
        i += 1;
      }
      value();
      skipSpace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === close) {
        i += 1;
        return;
      }
      fail();
    }
  };
  try {
    value();
    skipSpace();
    return i < text.length ? i : -1;
  } catch (error) {
    if (error instanceof JsonSyntaxAt) return Math.min(error.offset, text.length);
    // Nesting deep enough to overflow the stack is itself the problem; point at where parsing stood.
    return i;
  }
}

class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}
