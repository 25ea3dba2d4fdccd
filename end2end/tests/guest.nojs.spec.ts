import { allowHttpStatuses, dateIn, expect, test } from "./fixtures";

test("without JavaScript the search form shows the search's values", async ({ page }) => {
  const from = dateIn(7);
  const to = dateIn(9);
  await page.goto(`/search?location=${encodeURIComponent("Сыктывкар")}&date_from=${from}&date_to=${to}&adults=3`);
  await expect(page.locator('input[name="location"]')).toHaveValue("Сыктывкар");
  await expect(page.locator('input[name="date_from"]')).toHaveValue(from);
  await expect(page.locator('input[name="date_to"]')).toHaveValue(to);
  await expect(page.locator('select[name="adults"]')).toHaveValue("3");
  // The home page's form starts from the default stay: tomorrow, one night.
  await page.goto("/");
  await expect(page.locator('input[name="date_from"]')).toHaveValue(dateIn(1));
  await expect(page.locator('input[name="date_to"]')).toHaveValue(dateIn(2));
});

test("without JavaScript a hotel with bad dates keeps the hotel and the way back", async ({ page, consoleErrors }) => {
  const response = await page.goto(`/hotels/5?date_from=garbage&location=${encodeURIComponent("Сыктывкар")}`);
  expect(response?.status()).toBe(422);
  await expect(page.getByTestId("hotel-name")).toHaveText("Palace");
  await expect(page.getByTestId("hotel-error")).toBeVisible();
  await page.locator('input[name="date_from"]').fill(dateIn(3));
  await page.locator('input[name="date_to"]').fill(dateIn(4));
  await page.getByRole("button", { name: "Показать цены" }).click();
  await expect(page.getByTestId("room-card").first()).toBeVisible();
  await page.getByRole("link", { name: "← К результатам поиска" }).click();
  await expect(page.locator('input[name="location"]')).toHaveValue("Сыктывкар");
  allowHttpStatuses(consoleErrors, [422]);
});
