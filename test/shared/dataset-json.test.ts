import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile } from '../../mcp-servers/shared/dataset.js';
import { findJsonErrorOffset } from '../../mcp-servers/shared/json-position.js';
import { ToolInputError } from '../../mcp-servers/shared/tool-result.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ip-json-'));

function errorFor(text: string): string {
  const file = path.join(dir, 'data.json');
  writeFileSync(file, text);
  try {
    readJsonFile(file, z.unknown());
  } catch (error) {
    expect(error).toBeInstanceOf(ToolInputError);
    return (error as Error).message;
  }
  throw new Error('expected readJsonFile to fail');
}

describe('JSON errors name the file, line and column', () => {
  it.each([
    ['trailing comma in an array', '{\n  "series": [1, 2,]\n}', 'line 2, column 19'],
    ['a bad literal', '[\n  {"a": tru}\n]', 'line 2, column 12'],
    ['a truncated file', '{\n  "a": [1, 2', 'line 2, column 13'],
    ['a missing comma', '{"a": 1\n "b": 2}', 'line 2, column 2'],
  ])('%s', (_name, text, where) => {
    const message = errorFor(text);
    expect(message).toContain('data.json');
    expect(message).toContain(where);
  });

  it('reports -1 for valid JSON', () => {
    expect(findJsonErrorOffset('{"a": [1, 2.5e3, "x\\"y", true, null]}')).toBe(-1);
  });
});
