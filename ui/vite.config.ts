/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The app is served from inside the Tauri binary (ui/dist): no dev server, no remote origin.
export default defineConfig({
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Inline nothing as data: URLs into scripts; the CSP allows only 'self' for scripts.
    assetsInlineLimit: 0,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
