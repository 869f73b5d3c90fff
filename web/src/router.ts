// Hash routes: "#/tokens/<id>?x=1" is the path "/tokens/<id>" and the query "x=1". The
// page's URL never holds a credential.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  // "/tokens/abc", always starting with "/".
  path: string;
  // The path's segments, decoded: ["tokens", "abc"].
  segments: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#/, "");
  const at = hash.indexOf("?");
  const rawPath = (at < 0 ? hash : hash.slice(0, at)) || "/";
  const path = rawPath.startsWith("/") ? rawPath : `/${rawPath}`;
  const segments = path.split("/").filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { path, segments, query: new URLSearchParams(at < 0 ? "" : hash.slice(at + 1)) };
}

// The route with its query, as `next=` remembers it: "/tokens?x=1".
export function currentLocation(): string {
  return window.location.hash.replace(/^#/, "") || "/";
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute((was) => {
      const now = currentRoute();
      return now.path === was.path && now.query.toString() === was.query.toString() ? was : now;
    });
    window.addEventListener("hashchange", onChange);
    // A child's effect may have navigated before this listener was there.
    onChange();
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

// "#/roles/<name>" with each segment encoded.
export function href(...segments: string[]): string {
  return "#/" + segments.map(encodeURIComponent).join("/");
}

export function navigate(to: string, replace = false): void {
  const target = to.startsWith("#") ? to : `#${to}`;
  if (replace) {
    window.history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
}

// Only a route of this console to go on to after signing in: "/tokens", never "//host",
// "javascript:" or a sign-in page again.
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") &&
    !next.startsWith("/auth/")
    ? next
    : "/tokens";
}
