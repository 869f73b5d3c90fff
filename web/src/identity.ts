// Who is signed in and what they may do (AuthService.GetAuthStatus), for the pages to offer
// only the actions the server would allow. The server decides in any case.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { AccessLevel } from "./gen/warden/v1/access_pb";
import type { Identity } from "./gen/warden/v1/auth_pb";

export const IdentityContext = createContext<Identity | undefined>(undefined);

export function useIdentity(): Identity | undefined {
  return useContext(IdentityContext);
}

// True once the identity is known and it holds at least `level` on `resource`.
export function useCan(resource: string, level: AccessLevel): boolean {
  const id = useIdentity();
  return (id?.permissions[resource] ?? AccessLevel.NO_ACCESS) >= level;
}

// What the caller may do, or undefined while that is not known yet.
export function useCanWriteAccess(): boolean | undefined {
  const id = useIdentity();
  if (!id) return undefined;
  return (id.permissions["Access"] ?? AccessLevel.NO_ACCESS) >= AccessLevel.READ_WRITE_ACCESS;
}
