/** What a rule hands back for one match: the text to put in its place. */
export type Placeholder = (kind: string, value: string) => string;

export interface Rule {
  /** Kind name for docs and options; a rule may emit a more specific kind per match. */
  kind: string;
  pattern: RegExp;
  /** A cheap test that must pass for the pattern to have any chance: most log text skips most rules at scan speed. */
  hint?: RegExp;
  replace(match: RegExpExecArray, placeholder: Placeholder): string;
}

/** Attaches a prefilter to a rule. */
export function hinted(rule: Rule, hint: RegExp): Rule {
  return { ...rule, hint };
}

/** A rule that replaces the whole match. */
export function whole(kind: string, pattern: RegExp, validate?: (value: string) => boolean): Rule {
  return {
    kind,
    pattern,
    replace: (match, placeholder) => (validate && !validate(match[0]) ? match[0] : placeholder(kind, match[0])),
  };
}
