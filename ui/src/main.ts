import { App } from "./app/app";

const root = document.getElementById("app")!;
new App(root).start().catch((e) => {
  root.textContent = `Takt could not start: ${e instanceof Error ? e.message : String(e)}`;
});
