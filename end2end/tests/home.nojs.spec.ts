import { expect, test } from "./fixtures";

test("without JavaScript the page is complete and the language switch still works", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Найдите, где остановиться");
  await expect(page.getByRole("button", { name: "Найти" })).toBeVisible();

  await page.getByRole("button", { name: "English" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find a place to stay");
});
