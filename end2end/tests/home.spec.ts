import { dateIn, expect, hydrated, test } from "./fixtures";

test("the home page is server-rendered in Russian with the search form", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Найдите, где остановиться");
  await expect(page.locator('input[name="date_from"]')).toHaveValue(dateIn(1));
  await expect(page.locator('input[name="date_to"]')).toHaveValue(dateIn(2));
  await expect(page.getByTestId("nights")).toHaveText("1 ночь");
});

test("after hydration, moving check-in drags check-out and recounts the nights", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const checkIn = page.locator('input[name="date_from"]');
  const checkOut = page.locator('input[name="date_to"]');
  const nights = page.getByTestId("nights");

  await checkOut.fill(dateIn(6));
  await expect(nights).toHaveText("5 ночей");

  await checkIn.fill(dateIn(8));
  await expect(checkOut).toHaveValue(dateIn(9));
  await expect(nights).toHaveText("1 ночь");
});

test("typing a place asks the server for suggestions from the catalog", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.locator('input[name="location"]').fill("алт");
  await expect(page.locator('#location-suggestions option[value="Республика Алтай"]')).toHaveCount(1);
});

test("the language switch changes the page in place and is remembered", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find a place to stay");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find a place to stay");
});

test.describe("with an English browser", () => {
  test.use({ locale: "en-US" });

  test("Accept-Language picks English", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find a place to stay");
    await expect(page.getByTestId("nights")).toHaveText("1 night");
  });
});

// The date rules are the server's: a browser a day ahead of it or behind it (one of these two is,
// at any hour) still gets the server's tomorrow and one night, and may pick the server's today.
for (const timezoneId of ["Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
  test.describe(`a browser in ${timezoneId}`, () => {
    test.use({ timezoneId });

    test("gets the server's dates in the search form, after hydration too", async ({ page, consoleErrors }) => {
      await page.goto("/");
      await hydrated(page);
      const checkIn = page.locator('input[name="date_from"]');
      await expect(checkIn).toHaveValue(dateIn(1));
      await expect(checkIn).toHaveAttribute("min", dateIn(0));
      await expect(page.locator('input[name="date_to"]')).toHaveValue(dateIn(2));
      await expect(page.getByTestId("nights")).toHaveText("1 ночь");
      expect(consoleErrors).toEqual([]);
    });
  });
}
