import { test, expect, hydrated, type Page } from "./fixtures";

// Created by the Playwright harness before the server starts (see playwright.config.ts).
const ADMIN_EMAIL = "admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

/** The wasm files the page fetches from now on, with their sizes. */
function wasmFetches(page: Page): Map<string, number> {
  const fetched = new Map<string, number>();
  page.on("response", async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.endsWith(".wasm")) return;
    const body = await response.body().catch(() => undefined);
    fetched.set(url.pathname, body?.length ?? Number(response.headers()["content-length"] ?? 0));
  });
  return fetched;
}

test("a guest's first load carries none of the back office, whose code loads with its pages", async ({ page }) => {
  const fetched = wasmFetches(page);
  for (const path of ["/", "/search?location=%D0%90%D0%BB%D1%82%D0%B0%D0%B9", "/hotels/2", "/login"]) {
    await page.goto(path);
    await hydrated(page);
  }
  await expect.poll(() => fetched.size).toBeGreaterThan(0);
  const guest = new Set(fetched.keys());
  expect(guest.size, `the guest's wasm: ${[...guest].join(", ")}`).toBe(1);

  await page.getByLabel("Электронная почта").fill(ADMIN_EMAIL);
  await page.getByLabel("Пароль").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).not.toHaveURL(/\/login/);
  for (const path of ["/admin", "/admin/jobs", "/admin/hotels/1/calendar"]) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator("h1")).toBeVisible();
  }
  // The back office's chunks: fetched only now, and not small.
  await expect.poll(() => fetched.size).toBeGreaterThan(guest.size);
  const chunks = [...fetched].filter(([path]) => !guest.has(path));
  const bytes = chunks.reduce((sum, [, size]) => sum + size, 0);
  expect(bytes, `back-office chunks: ${chunks.map(([path, size]) => `${path} ${size}`).join(", ")}`).toBeGreaterThan(20_000);
});
