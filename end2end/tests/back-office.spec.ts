import { test, expect, hydrated, dateIn, type Page } from "./fixtures";

// Created by the Playwright harness before the server starts (see playwright.config.ts).
const ADMIN_EMAIL = "admin@example.com";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

async function signInAsAdmin(page: Page, js: boolean): Promise<void> {
  await page.goto("/login");
  if (js) await hydrated(page);
  await page.getByLabel("Электронная почта").fill(ADMIN_EMAIL);
  await page.getByLabel("Пароль").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Creates a hotel in `place` from the hotels page and a room type on its page; returns its name. */
async function createHotel(page: Page, place: string, js: boolean): Promise<string> {
  const name = `Заимка ${place}`;
  await page.goto("/admin");
  if (js) await hydrated(page);
  await page.getByRole("link", { name: "Отели" }).first().click();
  await expect(page.getByRole("heading", { name: "Отели", level: 1 })).toBeVisible();
  if (js) await hydrated(page);
  const form = page.getByTestId("new-hotel-form");
  await form.getByTestId("field-name").fill(name);
  await form.getByTestId("field-location").fill(`Тестовый край, ${place}`);
  await form.getByTestId("field-services").fill("Wi-Fi, Баня");
  await form.getByTestId("field-time_zone").fill("Asia/Barnaul");
  await form.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText("Сохранено.")).toBeVisible();

  if (js) await hydrated(page);
  await page.getByText("Добавить тип номера").click();
  const room = page.getByTestId("new-room-form");
  await room.getByTestId("field-name").fill("Домик у реки");
  await room.getByTestId("field-price").fill("5200");
  await room.getByTestId("field-quantity").fill("2");
  await room.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByTestId("room-types")).toContainText("Домик у реки");
  await expect(page.getByTestId("history")).toContainText("hotel.create");
  return name;
}

/** A place name no other test or demo hotel has (the browser tests share one database: a hotel
 * in "Алтай" would join the other tests' search results). */
function uniquePlace(): string {
  return `Кокса${Date.now().toString(36)}`;
}

test("an admin creates a hotel and a room type, and a guest finds them", async ({ page }) => {
  await signInAsAdmin(page, true);
  const place = uniquePlace();
  const name = await createHotel(page, place, true);

  // The room type's page: its fields as saved, and its history.
  await page.getByTestId("room-types").getByRole("link", { name: "Домик у реки" }).click();
  await expect(page.getByTestId("room-form").getByTestId("field-price")).toHaveValue("5200");
  await page.getByTestId("room-form").getByTestId("field-price").fill("5400");
  await page.getByTestId("room-form").getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByTestId("history")).toContainText("room.update");

  await page.goto(`/search?location=${encodeURIComponent(place)}&date_from=${dateIn(10)}&date_to=${dateIn(12)}`);
  await expect(page.getByText(name).first()).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the back office's forms work as plain posts, errors included", async ({ page }) => {
    await signInAsAdmin(page, false);
    await page.goto("/admin/hotels");
    const form = page.getByTestId("new-hotel-form");
    await form.getByTestId("field-name").fill("Без часового пояса");
    await form.getByTestId("field-location").fill("Тестовый край");
    await form.getByTestId("field-time_zone").fill("Mars/Olympus");
    await form.getByRole("button", { name: "Создать" }).click();
    await expect(page.getByText("Часовой пояс: неизвестный часовой пояс")).toBeVisible();

    const place = uniquePlace();
    const name = await createHotel(page, place, false);
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  });
});
