import { describe, expect, it } from 'vitest';
import {
  candidateLines,
  EVERY_LINE,
  LONG_LINE_BYTES,
  levelPrefilter,
  literalPrefilter,
  type Prefilter,
  regexPrefilter,
} from '../../mcp-servers/logs/reader/prefilter.js';

/**
 * The byte prefilter at its edges: each needle of every list that decides a line, the long-line bound exactly, the
 * search views' seams, and the part of the data the caller asked for. A line left out here would be a log entry no
 * search can find; a line let in only costs a parse.
 */

/** The candidate lines of `data[0, end)`, as text. */
function candidatesOf(data: Buffer, prefilter: Prefilter, end = data.length): string[] {
  return candidateLines(data, end, prefilter).map((start) => {
    const nl = data.indexOf(10, start);
    return data.toString('utf8', start, nl === -1 ? data.length : nl);
  });
}
const candidates = (lines: string[], prefilter: Prefilter) => candidatesOf(Buffer.from(`${lines.join('\n')}\n`), prefilter);

describe('level prefilter', () => {
  it.each(['WARN', 'WRN', 'ERR', 'SEVERE', 'CRIT', 'ALERT', 'EMERG', 'FATAL', 'FTL', 'PANIC', 'FAILURE', 'level=40', 'lvl=4'])(
    '%s makes a line a candidate, in any case',
    (word) => {
      expect(candidates([`ts info`, `ts ${word} x`, 'ts debug'], levelPrefilter())).toEqual([`ts ${word} x`]);
      const lower = word.toLowerCase();
      expect(candidates([`ts ${lower}`, 'ts info'], levelPrefilter())).toEqual([`ts ${lower}`]);
    },
  );

  it.each([
    ['the Kelvin sign', 'ts \u212Aill'],
    ['the long s', 'ts \u017Fomething'],
    ['the dotless i', 'ts \u0131nfo'],
    ['a JSON escape', 'ts {"\\u006cevel":50}'],
  ])('a line with %s is a candidate: it can fold or decode onto a level word', (_name, line) => {
    expect(candidates(['ts info', line], levelPrefilter())).toEqual([line]);
  });

  it('is marked as holding only for formats that write their level as a word', () => {
    expect(levelPrefilter().levels).toBe(true);
    expect(regexPrefilter('timeout').levels).toBeUndefined();
  });
});

describe('needles of a pattern', () => {
  it('several lettered needles (three letters or more) are found in any case, the rest are not candidates', () => {
    expect(candidates(['a TIMEOUT b', 'a refused', 'a Refuse', 'a imeout'], regexPrefilter('timeout|refused'))).toEqual([
      'a TIMEOUT b',
      'a refused',
    ]);
  });

  it('a needle shorter than three letters takes the plain alternation: found in any case, a dot in it is literal', () => {
    const prefilter = regexPrefilter('a\\.b|qz');
    expect(candidates(['x A.B y', 'x aXb y', 'x QZ', 'x q z'], prefilter)).toEqual(['x A.B y', 'x QZ']);
  });

  it('one needle inside another: both found, the longer where both match', () => {
    const prefilter = regexPrefilter('ab|abcd');
    expect(candidates(['x AB', 'x abcd', 'x abc', 'x a b'], prefilter)).toEqual(['x AB', 'x abcd', 'x abc']);
  });

  it('a stretch of three letter-free bytes is searched exactly (it has no case); two are not enough', () => {
    // "ab123cd": every match holds "123", so any line with "123" is a candidate, whatever its letters.
    expect(candidates(['x AB123CD', 'x zz123zz', 'x ab12cd'], regexPrefilter('ab123cd'))).toEqual(['x AB123CD', 'x zz123zz']);
    // "ab12cd": "12" alone is not selective; the whole needle is searched, in any case.
    expect(candidates(['x AB12CD', 'x zz12zz'], regexPrefilter('ab12cd'))).toEqual(['x AB12CD']);
  });

  it('needles without letters are searched as bytes', () => {
    expect(candidates(['from 10.0.0.7 ok', 'from 10.0.0.8', 'x'], regexPrefilter('10\\.0\\.0\\.7'))).toEqual(['from 10.0.0.7 ok']);
  });

  it('a pattern with no required literal makes every line a candidate', () => {
    const prefilter = regexPrefilter('\\d+');
    expect(prefilter.needles).toBeNull();
    expect(candidates(['a', 'b', 'c'], prefilter)).toEqual(['a', 'b', 'c']);
  });
});

describe('literal prefilter', () => {
  it('searches the longest printable ASCII run of the literal, in any case', () => {
    const prefilter = literalPrefilter('café au lait');
    expect(candidates(['x CAFÉ AU LAIT', 'x au lai', 'x café'], prefilter)).toEqual(['x CAFÉ AU LAIT']);
  });

  it('a literal with no printable ASCII (or none at all) makes every line a candidate', () => {
    expect(literalPrefilter('日本').needles).toBeNull();
    expect(literalPrefilter('').needles).toBeNull();
    expect(candidates(['a', 'b'], literalPrefilter('日本'))).toEqual(['a', 'b']);
  });
});

describe('candidate lines', () => {
  it('every line without a byte test, the last one even without its newline', () => {
    expect(candidatesOf(Buffer.from('one\ntwo\nthree'), EVERY_LINE)).toEqual(['one', 'two', 'three']);
    expect(candidatesOf(Buffer.from(''), EVERY_LINE)).toEqual([]);
  });

  it('a line holding an escape sequence is always a candidate (dropping it can join a match)', () => {
    expect(candidates(['ts wa\x1b[0mrn', 'ts info'], regexPrefilter('warn'))).toEqual(['ts wa\x1b[0mrn']);
    expect(candidates(['10.0\x1b[0m.0.7', 'x'], regexPrefilter('10\\.0\\.0\\.7'))).toEqual(['10.0\x1b[0m.0.7']);
  });

  it('a line is listed once however many needles it holds, in file order', () => {
    const lines = ['z \x1b x', 'a error warn fatal 10.0.0.7 error', 'b', 'c warn \\u0041 \x1b'];
    expect(candidates(lines, levelPrefilter())).toEqual(['z \x1b x', 'a error warn fatal 10.0.0.7 error', 'c warn \\u0041 \x1b']);
  });

  it(`a line longer than ${LONG_LINE_BYTES} bytes is always a candidate (the reader may cut it); one of exactly that many is tested`, () => {
    const long = `x${'.'.repeat(LONG_LINE_BYTES)}`;
    const exact = '.'.repeat(LONG_LINE_BYTES);
    const found = candidates(['ts info', long, exact, 'ts error'], regexPrefilter('error'));
    expect(found.map((line) => line.length)).toEqual([LONG_LINE_BYTES + 1, 'ts error'.length]);
    // The same long line last, without its newline, up to the end of the data.
    const data = Buffer.from(`ts info\n${long}`);
    expect(candidatesOf(data, regexPrefilter('error')).map((line) => line.length)).toEqual([LONG_LINE_BYTES + 1]);
  });

  it('hits are found across the 64 KiB search views, each at its own line', () => {
    const filler = Array.from({ length: 5000 }, (_, i) => `ts info line ${i} padding padding`);
    filler[2500] = 'ts ERROR in the middle';
    filler[4999] = 'ts fatal at the end';
    const data = Buffer.from(`${filler.join('\n')}\n`);
    expect(data.length).toBeGreaterThan(2 * 64 * 1024);
    expect(candidatesOf(data, levelPrefilter())).toEqual(['ts ERROR in the middle', 'ts fatal at the end']);
    expect(candidatesOf(data, regexPrefilter('in the middle|at the end'))).toEqual(['ts ERROR in the middle', 'ts fatal at the end']);
  });

  it('only the part of the data asked for is searched', () => {
    const data = Buffer.from('a error\nb info\nc error\nd \x1b\ne 10.0.0.7\n');
    const end = data.indexOf('c error');
    expect(candidatesOf(data, regexPrefilter('error'), end)).toEqual(['a error']);
    expect(candidatesOf(data, levelPrefilter(), end)).toEqual(['a error']);
    // Byte needles stop at the end too; the escape line before it is still a candidate.
    expect(candidatesOf(data, regexPrefilter('10\\.0\\.0\\.7'), data.indexOf('e 10'))).toEqual(['d \x1b']);
  });
});
