// Words for the API's enums, counts and dates, shared by the pages.
import { AccessLevel } from "./gen/warden/v1/access_pb";
import { AuthMachineToMachineConfigType, IdentityKind } from "./gen/warden/v1/auth_pb";
import { Origin } from "./gen/warden/v1/role_pb";

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const accessLevelLabel: Record<AccessLevel, string> = {
  [AccessLevel.UNSPECIFIED]: "Not set",
  [AccessLevel.NO_ACCESS]: "No access",
  [AccessLevel.READ_ACCESS]: "Read",
  [AccessLevel.READ_WRITE_ACCESS]: "Read-write",
};

export const originLabel: Record<Origin, string> = {
  [Origin.UNSPECIFIED]: "Unknown",
  [Origin.BUILT_IN]: "Built-in",
  [Origin.API]: "Custom",
  [Origin.DECLARATIVE]: "Declarative",
};

export const identityKindLabel: Record<IdentityKind, string> = {
  [IdentityKind.UNSPECIFIED]: "Unknown",
  [IdentityKind.API_TOKEN]: "API token",
  [IdentityKind.ADMIN]: "Admin user",
  [IdentityKind.M2M]: "Machine-to-machine",
  [IdentityKind.USER]: "Person (auth provider)",
};

export const m2mTypeLabel: Record<AuthMachineToMachineConfigType, string> = {
  [AuthMachineToMachineConfigType.UNSPECIFIED]: "Generic",
  [AuthMachineToMachineConfigType.GENERIC]: "Generic",
  [AuthMachineToMachineConfigType.GITHUB_ACTIONS]: "GitHub Actions",
  [AuthMachineToMachineConfigType.KUBE_SERVICE_ACCOUNT]: "Kubernetes service account",
};

// Why an object of this origin cannot be changed here, or undefined if it can.
export function readOnlyReason(origin: Origin, what: string): string | undefined {
  if (origin === Origin.BUILT_IN) {
    return `This ${what} is built into Warden and cannot be changed or deleted.`;
  }
  if (origin === Origin.DECLARATIVE) {
    return `This ${what} comes from the declarative configuration file: change it there. ` +
      "It cannot be changed or deleted here.";
  }
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, "0");

// The value of an <input type="datetime-local"> for `d`, in local time.
export function toDateTimeLocal(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The value of an <input type="date"> for `d`, in local time.
export function toDateLocal(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// "YYYY-MM-DD" as the start of that day, local time.
export function fromDateLocal(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

// A window given in seconds, in words: "7 days", "36 hours", "1 day".
export function windowWords(seconds: number): string {
  const day = 86400;
  if (seconds >= day && seconds % day === 0) return plural(seconds / day, "day", "days");
  if (seconds >= 3600 && seconds % 3600 === 0) return plural(seconds / 3600, "hour", "hours");
  if (seconds >= 60 && seconds % 60 === 0) return plural(seconds / 60, "minute", "minutes");
  return plural(seconds, "second", "seconds");
}

// "Expires in less than 3 days" for a token with 60 hours left: whole days, rounded up.
export function expiresInLessThan(msLeft: number): string {
  const days = Math.max(1, Math.ceil(msLeft / 86_400_000));
  return `Expires in less than ${plural(days, "day", "days")}`;
}

// An <input type="datetime-local">'s value as a Date, or undefined if it is not one.
export function parseDateTimeLocal(value: string): Date | undefined {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// A duration in the largest whole unit that fits, for an approximate length of time:
// "365 days", "5 hours", "1 minute".
export function roughDuration(seconds: number): string {
  if (seconds >= 86400) return plural(Math.round(seconds / 86400), "day", "days");
  if (seconds >= 3600) return plural(Math.round(seconds / 3600), "hour", "hours");
  return plural(Math.max(1, Math.round(seconds / 60)), "minute", "minutes");
}

// The longest token description the server accepts, in characters (code points).
export const maxDescriptionLength = 1024;

// How many characters (code points, as the server counts them) `text` holds.
export function characters(text: string): number {
  return [...text].length;
}

// True if `text` holds a character the server refuses in names and descriptions (C0 and C1
// controls, DEL).
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
