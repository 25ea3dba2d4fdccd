import { test, expect } from "./fixtures";

// The API docs work offline: Swagger UI and the document come from the app itself.
test("/docs shows every API route from the app's own OpenAPI document", async ({ page }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1")) foreign.push(request.url());
  });
  await page.goto("/docs");
  await expect(page.locator(".opblock").first()).toBeVisible();
  await expect(page.locator(".opblock-summary-path", { hasText: "/api/v1/auth/login" })).toBeVisible();
  await expect(page.locator(".opblock")).toHaveCount(12);
  expect(foreign).toEqual([]);
});
