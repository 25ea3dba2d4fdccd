import AxeBuilder from "@axe-core/playwright";
import { test, expect, hydrated, dateIn, allowHttpStatuses, type Page } from "./fixtures";

// Created by the Playwright harness before the server starts (see playwright.config.ts).
const ADMIN_EMAIL = "admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and fails on any serious
 * or critical violation, naming the rule and the elements.
 */
async function noSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.passes.length, `axe ran its rules on ${what}`).toBeGreaterThan(10);
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(serious, `axe on ${what}`).toEqual([]);
}

/** What a finger taps: controls, and links that act as buttons or navigation. */
const TAP_TARGETS = [
  "button",
  "select",
  "textarea",
  'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"])',
  ".button",
  ".site-header a",
  ".pagination a",
  ".sort-links a",
  ".pager a",
].join(", ");

/**
 * No sideways scrolling from a 320 px phone to a 1440 px screen, and on the phone every
 * visible tap target at least 44 px high.
 */
async function fitsEveryWidth(page: Page, what: string): Promise<void> {
  for (const width of [320, 390, 768, 1440]) {
    await page.setViewportSize({ width, height: 800 });
    const wider = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(wider, `${what} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
    if (width === 320) {
      const small = await page.evaluate((selector) => {
        return [...document.querySelectorAll(selector)]
          .filter((element) => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && box.height < 43.5;
          })
          .map((element) => `${element.outerHTML.slice(0, 90)} (${Math.round(element.getBoundingClientRect().height)} px)`);
      }, TAP_TARGETS);
      expect(small, `tap targets under 44 px on ${what}`).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

async function check(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await hydrated(page);
  await noSeriousViolations(page, path);
  await fitsEveryWidth(page, path);
}

const from = dateIn(40);
const to = dateIn(42);

test("every guest page passes axe, signed out and signed in", async ({ page, consoleErrors }) => {
  // Fifteen pages, each with axe and four widths: over 30 s on a busy two-core machine.
  test.setTimeout(90_000);
  for (const path of [
    "/",
    `/search?location=${encodeURIComponent("Алтай")}&date_from=${from}&date_to=${to}`,
    `/hotels/2?date_from=${from}&date_to=${to}`,
    `/book?room_id=4&date_from=${from}&date_to=${to}`,
    "/login",
    "/register",
    "/forgot-password",
    "/forgot-password?sent=1",
    "/reset-password?token=1.1.00000000000000000000000000000000",
    "/no-such-page",
    "/saved",
  ]) {
    await check(page, path);
  }
  // The search form's errors, as a guest sees them.
  await check(page, `/search?location=&date_from=${to}&date_to=${from}`);

  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(`axe-${Date.now()}@example.com`);
  await page.getByLabel("Пароль").fill("correct horse battery");
  await page.getByRole("button", { name: "Зарегистрироваться" }).last().click();
  await expect(page).not.toHaveURL(/\/register/);
  for (const path of ["/bookings", "/account", "/saved"]) {
    await check(page, path);
  }
  // The missing page's 404, the reversed dates' 400 and the bad reset link's 410 are the
  // right answers.
  allowHttpStatuses(consoleErrors, [400, 404, 410]);
});

test("every back-office page passes axe", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(ADMIN_EMAIL);
  await page.getByLabel("Пароль").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).not.toHaveURL(/\/login/);

  for (const path of [
    "/admin",
    "/admin/hotels",
    "/admin/hotels/1",
    "/admin/rooms/1",
    "/admin/hotels/1/calendar",
    "/admin/hotels/1/figures",
    "/admin/hotels/1/pictures",
    "/admin/bookings",
    "/admin/audit",
    "/admin/users",
    "/admin/jobs",
  ]) {
    await check(page, path);
  }
  // A booking's page: the first of the list.
  await page.goto("/admin/bookings");
  await hydrated(page);
  const booking = page.locator('a[href^="/admin/bookings/"]').first();
  await expect(booking).toBeVisible();
  await check(page, (await booking.getAttribute("href")) as string);
});
