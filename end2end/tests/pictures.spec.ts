import path from "node:path";

import { test, expect, hydrated } from "./fixtures";

// Created by the Playwright harness before the server starts (see playwright.config.ts).
const ADMIN_EMAIL = "admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

// Demo-data pictures shipped with the app, uploaded as a manager's photos; hotel 6 shows its demo
// picture until then, and has no uploaded one.
const PHOTO = path.join(__dirname, "..", "..", "public", "images", "3-2000x1000.webp");
const SECOND_PHOTO = path.join(__dirname, "..", "..", "public", "images", "4-2000x1000.webp");

test("every demo hotel and its room types show a picture that loads, in every size", async ({ page }) => {
  for (const hotel of [1, 2, 3, 4, 5, 6]) {
    await page.goto(`/hotels/${hotel}`);
    await expect(page.locator("main .picture-missing")).toHaveCount(0);
    const pictures = page.locator("main picture");
    expect(await pictures.count()).toBeGreaterThan(1);
    for (const picture of await pictures.all()) {
      await expect(picture.locator("source")).toHaveAttribute("srcset", /\/images\/\d+-2000x1000\.webp 2000w/);
      const img = picture.locator("img");
      await img.scrollIntoViewIfNeeded();
      await expect
        .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
        .toBeGreaterThan(0);
    }
  }
});

test("an admin uploads hotel pictures, makes the second the main one and sees it on the hotel page", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(ADMIN_EMAIL);
  await page.getByLabel("Пароль").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).not.toHaveURL(/\/login/);

  await page.goto("/admin/hotels/6/pictures");
  await hydrated(page);
  const hotel = page.getByTestId("picture-owner").first();
  await expect(hotel.getByTestId("picture-state")).toHaveText("Фото ещё не загружено");
  await hotel.locator('input[type="file"]').setInputFiles(PHOTO);
  await hotel.getByRole("button", { name: "Загрузить" }).click();
  await expect(page.getByTestId("upload-outcome")).toContainText("Фото загружено");
  // The page follows the worker: processing, then ready.
  await expect(hotel.getByTestId("picture-state")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });

  await page.goto("/hotels/6");
  const picture = page.locator(".hotel-page picture img, main picture img").first();
  await expect(picture).toHaveAttribute("srcset", /\/media\/pictures\/[0-9a-f]{32}-2000x1000\.jpg 2000w/);
  await expect(page.locator("main picture source").first()).toHaveAttribute("type", "image/webp");
  await expect
    .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);

  const first = await picture.getAttribute("srcset");

  // A second picture, made the main one: the hotel page shows it instead.
  await page.goto("/admin/hotels/6/pictures");
  await hydrated(page);
  await hotel.locator('input[type="file"]').setInputFiles(SECOND_PHOTO);
  await hotel.getByRole("button", { name: "Загрузить" }).click();
  const second = hotel.getByTestId("picture").nth(1);
  await expect(second.getByTestId("picture-state")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  const secondId = await second.getAttribute("data-id");
  await second.getByTestId("picture-main").click();
  await expect(hotel.getByTestId("picture").first()).toHaveAttribute("data-id", secondId as string);
  await expect(hotel.getByTestId("picture").first().getByTestId("main-picture")).toBeVisible();

  await page.goto("/hotels/6");
  const shown = await picture.getAttribute("srcset");
  expect(shown).not.toEqual(first);
  expect(shown).toMatch(/\/media\/pictures\/[0-9a-f]{32}-2000x1000\.jpg 2000w/);

  // The first picture is in the gallery below now, a link to its largest size.
  const gallery = page.getByTestId("gallery-photo");
  await expect(gallery).toHaveCount(1);
  const firstDigest = first?.match(/[0-9a-f]{32}/)?.[0] ?? "none";
  await expect(gallery).toHaveAttribute("href", `/media/pictures/${firstDigest}-2000x1000.jpg`);
  await expect(gallery.locator("img")).toHaveAttribute("alt", /фото 2 из 2$/);
  const opened = await page.request.get((await gallery.getAttribute("href")) as string);
  expect(opened.status()).toBe(200);
});
