// A point in time in the reader's local time, with UTC in the tooltip.
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";

const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function utcText(d: Date): string {
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

interface Props {
  value: Timestamp | Date | undefined;
  // Shown when there is no time.
  empty?: string;
}

export function Time({ value, empty = "—" }: Props) {
  if (!value) return <span>{empty}</span>;
  const d = value instanceof Date ? value : timestampDate(value);
  return <time dateTime={d.toISOString()} title={utcText(d)}>{local.format(d)}</time>;
}
