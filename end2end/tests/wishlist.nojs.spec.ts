import { test, expect, dateIn } from "./fixtures";

test("without JavaScript: the heart is a form that comes back to the page, and /saved lists and removes", async ({ page }) => {
  const search = `/search?location=${encodeURIComponent("Алтай")}&date_from=${dateIn(30)}&date_to=${dateIn(31)}`;
  await page.goto(search);
  const card = page.getByTestId("hotel-card").first();
  const name = (await card.locator(".hotel-card-name").textContent())?.trim() ?? "";
  await card.getByTestId("save-hotel").click();
  // Back on the same results, the heart filled.
  await expect(page).toHaveURL(/\/search\?location=/);
  await expect(page.getByTestId("hotel-card").first().getByTestId("save-hotel")).toHaveAttribute("data-saved", "true");

  await page.goto("/saved");
  await expect(page.getByTestId("listed-hotel")).toHaveCount(1);
  await expect(page.getByTestId("listed-hotel")).toContainText(name);
  await page.getByTestId("listed-hotel").getByTestId("save-hotel").click();
  await expect(page).toHaveURL(/\/saved$/);
  await expect(page.getByTestId("saved-empty")).toBeVisible();
});
