import { dateIn, emailTo, expect, hydrated, test } from "./fixtures";

const PASSWORD = "correct horse battery";

function ddmmyyyy(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

// The original project's end-to-end scenario: registration -> login -> hotel list -> rooms ->
// booking -> booking email; then cancellation and its email.
test("register, log in, search, book, get the email, cancel, get the cancellation email", async ({ page }) => {
  const email = `scenario-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const from = dateIn(25);
  const to = dateIn(27);

  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);

  await page.getByRole("link", { name: "Войти" }).click();
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.goto("/");
  await hydrated(page);
  await page.locator('input[name="location"]').fill("Алтай");
  await page.locator('input[name="date_from"]').fill(from);
  await page.locator('input[name="date_to"]').fill(to);
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page.getByTestId("hotel-card")).toHaveCount(3);
  await page.getByRole("link", { name: "Skala" }).click();

  const room = page.getByTestId("room-card").first();
  await expect(room.getByRole("heading")).toHaveText("Номер на 3-х человек");
  await room.getByTestId("book").click();
  await expect(page.getByTestId("booking-summary").getByTestId("total")).toHaveText(/8\s700\s₽ за 2 ночи/);
  await page.getByLabel("Имя проживающего гостя").fill("Анна Петрова");
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();

  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
  const card = page.getByTestId("booking-card");
  await expect(card.getByRole("heading")).toHaveText("Skala");
  await expect(card.getByTestId("room-name")).toHaveText("Номер на 3-х человек");
  // The confirmation, the card and the email name the same reference.
  const reference = (await card.getByTestId("booking-reference").textContent()) ?? "";
  expect(reference).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
  await expect(page.getByTestId("booked-reference")).toContainText(reference);

  const confirmation = await emailTo(email, "Подтверждение бронирования");
  expect(confirmation.text).toContain(`Вы забронировали отель с ${ddmmyyyy(from)} по ${ddmmyyyy(to)}`);
  expect(confirmation.text).toContain("Отель: Skala");
  expect(confirmation.text).toContain("Номер: Номер на 3-х человек");
  expect(confirmation.text).toContain("Ночей: 2");
  expect(confirmation.text).toContain(`Номер бронирования: ${reference}`);
  expect(confirmation.text).toContain("Гость: Анна Петрова");
  expect(confirmation.text).toMatch(/Итого: 8\s700\s₽/);
  expect(confirmation.html).toContain("Skala");

  await card.getByTestId("cancel").click();
  await page.getByRole("button", { name: "Да, отменить" }).click();
  await expect(card.getByTestId("booking-status")).toHaveText("Отменено");
  const cancellation = await emailTo(email, "Бронирование отменено");
  expect(cancellation.text).toContain(`Вы отменили бронирование с ${ddmmyyyy(from)} по ${ddmmyyyy(to)}`);
});
