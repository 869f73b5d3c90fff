// A preview, in the browser, of how the server matches a mapping's value expression: an RE2
// regular expression that must match the WHOLE claim value. JavaScript's RegExp stands in
// for RE2; the two agree on the common subset, and what RE2 lacks (look-around,
// back-references) is flagged. The server's decision is the one that counts.

export type Preview =
  | { kind: "match" }
  | { kind: "no-match" }
  | { kind: "invalid"; message: string };

// Returns a RegExp matching the whole value, or a reason it cannot be built.
export function compileExpression(expression: string): RegExp | string {
  let body = expression;
  let flags = "";
  // RE2's leading flag group "(?i)", "(?s)", "(?is)"... becomes RegExp flags.
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    const wanted = lead[1] ?? "";
    if (wanted.includes("U")) return "The preview cannot show the U (ungreedy) flag.";
    flags = [...new Set(wanted)].join("");
    body = body.slice(lead[0].length);
  }
  if (/\(\?<?[=!]/.test(body)) return "RE2 has no look-ahead or look-behind: the server refuses this.";
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(body) || /\\k</.test(body)) {
    return "RE2 has no back-references: the server refuses this.";
  }
  // RE2 writes named groups (?P<name>...); RegExp writes (?<name>...).
  body = body.replace(/\(\?P</g, "(?<");
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function previewMatch(expression: string, value: string): Preview {
  const re = compileExpression(expression);
  if (typeof re === "string") return { kind: "invalid", message: re };
  return re.test(value) ? { kind: "match" } : { kind: "no-match" };
}
