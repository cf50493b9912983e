/**
 * Everything the CLI prints passes through here: log lines, commit messages, tool errors and the model's report are
 * untrusted, and a terminal obeys escape sequences wherever they come from (OSC 8 hides a link behind harmless text,
 * OSC 52 writes the clipboard, CSI moves the cursor and rewrites what was shown). Each pattern is linear: an
 * unterminated sequence is consumed to the end of its run, never rescanned.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this module's job
const OSC_STRING = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,65536}(?:\x07|\x1b\\|\x9c)?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const CSI = /(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const ESCAPE = /\x1b[ -/]{0,16}[0-~]?/g;
/** C0 controls but tab and newline, DEL and the C1 range; a lone carriage return can overwrite a printed line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text as a terminal should show it: escape sequences removed whole, other control characters dropped. */
export function stripControl(text: string): string {
  return text.replace(OSC_STRING, '').replace(CSI, '').replace(ESCAPE, '').replace(CONTROL, '');
}

/**
 * JSON keeps its data: JSON.stringify already escapes C0 controls, and the C1 controls it leaves raw (U+009B is a
 * CSI to many terminals) are written as \u escapes, so the parsed report is unchanged.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Writes a line to a stream with control sequences removed. */
export function writeSafe(stream: NodeJS.WritableStream, text: string): void {
  stream.write(stripControl(text));
}
