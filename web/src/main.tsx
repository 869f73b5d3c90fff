// The console's entry point (bundled by scripts/build.mjs with styles.css).
import { render } from "preact";
import { App } from "./app";
import { captureCallback } from "./provider_signin";

// An auth provider's answer at /auth/callback leaves the URL before anything else runs.
captureCallback();
render(<App />, document.getElementById("app")!);
