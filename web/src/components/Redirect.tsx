// Replaces the current route with another (no history entry).
import { useEffect } from "preact/hooks";
import { navigate } from "../router";

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}
