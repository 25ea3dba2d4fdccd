import { allowHttpStatuses, dateIn, expect, test } from "./fixtures";

test("without JavaScript the search form, results and hotel page work", async ({ page }) => {
  await page.goto("/");
  await page.locator('input[name="location"]').fill("сыктывкар");
  await page.locator('input[name="date_from"]').fill(dateIn(7));
  await page.locator('input[name="date_to"]').fill(dateIn(9));
  await page.getByRole("button", { name: "Найти" }).click();

  await expect(page.getByTestId("hotel-card")).toHaveCount(2);
  await page.getByRole("link", { name: "Palace" }).click();
  await expect(page.getByTestId("hotel-name")).toHaveText("Palace");
  await expect(page.getByTestId("room-card").first().getByTestId("total")).toHaveText(/10\s000\s₽ за 2 ночи/);
});

test("an unknown hotel is the 404 page", async ({ page, consoleErrors }) => {
  const response = await page.goto("/hotels/424242");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Страница не найдена");
  allowHttpStatuses(consoleErrors, [404]);
});
