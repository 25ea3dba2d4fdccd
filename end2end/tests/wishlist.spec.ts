import { test, expect, hydrated, dateIn, newEmail } from "./fixtures";

const PASSWORD = "correct horse battery";

test("a signed-out guest saves a hotel and sees it viewed; both move to the account on sign-up", async ({ page }) => {
  const stay = `date_from=${dateIn(30)}&date_to=${dateIn(31)}`;
  await page.goto(`/search?location=${encodeURIComponent("Алтай")}&${stay}`);
  await hydrated(page);
  const card = page.getByTestId("hotel-card").first();
  const name = (await card.locator(".hotel-card-name").textContent())?.trim() ?? "";
  const heart = card.getByTestId("save-hotel");
  await expect(heart).toHaveAttribute("data-saved", "false");
  const url = page.url();
  await heart.click();
  // In place: the page stays, the heart fills.
  await expect(heart).toHaveAttribute("data-saved", "true");
  await expect(heart).toHaveAttribute("aria-pressed", "true");
  expect(page.url()).toBe(url);

  // The hotel's page knows it is saved, and notes the visit.
  await card.locator(".hotel-card-name a").click();
  await expect(page.getByTestId("hotel-name")).toHaveText(name);
  await expect(page.getByTestId("save-hotel")).toHaveAttribute("data-saved", "true");
  await page.goto("/");
  await expect(page.getByTestId("recently-viewed").getByTestId("listed-hotel")).toContainText([name]);

  await page.goto("/saved");
  await hydrated(page);
  await expect(page.getByTestId("saved-in-browser")).toBeVisible();
  await expect(page.getByTestId("listed-hotel")).toHaveCount(1);
  await expect(page.getByTestId("listed-hotel")).toContainText(name);

  // Signing up moves both lists to the account.
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(newEmail("saved"));
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).last().click();
  await expect(page).not.toHaveURL(/\/register/);
  const cookies = (await page.context().cookies()).map((cookie) => cookie.name);
  expect(cookies).not.toContain("saved_hotels");
  await page.goto("/saved");
  await hydrated(page);
  await expect(page.getByTestId("saved-in-browser")).toHaveCount(0);
  await expect(page.getByTestId("listed-hotel")).toContainText([name]);
  await page.goto("/");
  await expect(page.getByTestId("recently-viewed").getByTestId("listed-hotel")).toContainText([name]);

  // Taken off: gone on the next visit.
  await page.goto("/saved");
  await hydrated(page);
  await page.getByTestId("listed-hotel").getByTestId("save-hotel").click();
  await expect(page.getByTestId("listed-hotel").getByTestId("save-hotel")).toHaveAttribute("data-saved", "false");
  await page.reload();
  await expect(page.getByTestId("saved-empty")).toBeVisible();
});
