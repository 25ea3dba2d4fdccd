import { allowHttpStatuses, expect, test } from "./fixtures";

test("an unknown address shows the 404 page with a way home", async ({ page, consoleErrors }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Страница не найдена");

  await page.getByRole("link", { name: "Вернуться на главную" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Найдите, где остановиться");
  // The browser reports the document's own 404 status as a console error; nothing else may appear.
  allowHttpStatuses(consoleErrors, [404]);
});
