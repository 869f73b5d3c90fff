// The console's entry point (bundled by scripts/build.mjs with styles.css).
import { render } from "preact";
import { App } from "./app";

render(<App />, document.getElementById("app")!);
