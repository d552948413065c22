import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Component tests run the real Svelte components in jsdom (browser build).
export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions: ["browser"] },
  // The in-app guide imports docs/guide/ (the Markdown and its screenshots) from the repository.
  server: { fs: { allow: [".."] } },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
