import { dateIn, expect, hydrated, test } from "./fixtures";

const PASSWORD = "correct horse battery";

function newEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

function ddmmyyyy(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

test("a guest signs up on the way to booking, books, sees it in my bookings and cancels", async ({ page }) => {
  const from = dateIn(20);
  const to = dateIn(22);
  await page.goto(`/search?location=${encodeURIComponent("Сыктывкар")}&date_from=${from}&date_to=${to}`);
  await hydrated(page);
  await page.getByRole("link", { name: "Palace" }).click();
  await expect(page.getByTestId("hotel-name")).toHaveText("Palace");
  const room = page.getByTestId("room-card").first();
  await expect(room.getByRole("heading")).toHaveText("Номер стандарт с 2 односпальными кроватями (с завтраком)");
  await room.getByTestId("book").click();

  // Signed out: the login page, which leads to sign-up and back to the booking.
  await expect(page).toHaveURL(/\/login\?return_to=/);
  await page.getByRole("link", { name: "Регистрация" }).last().click();
  await page.getByLabel("Электронная почта").fill(newEmail("book"));
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  await expect(page).toHaveURL(/\/book\?room_id=9&/);
  const summary = page.getByTestId("booking-summary");
  await expect(summary.getByTestId("check-in")).toHaveText(ddmmyyyy(from));
  await expect(summary.getByTestId("total")).toHaveText(/10\s000\s₽ за 2 ночи/);
  await page.getByLabel("Имя проживающего гостя").fill("Анна Петрова");
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();

  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
  await expect(page.getByTestId("notice")).toContainText("Номер забронирован");
  const card = page.getByTestId("booking-card");
  await expect(card).toHaveCount(1);
  await expect(card.getByRole("heading")).toHaveText("Palace");
  await expect(card.getByTestId("booking-dates")).toHaveText(`${ddmmyyyy(from)} — ${ddmmyyyy(to)}`);

  await card.getByTestId("cancel").click();
  await expect(page.getByTestId("cancel-confirmation")).toBeVisible();
  await page.getByRole("button", { name: "Да, отменить" }).click();
  await expect(page.getByTestId("notice")).toContainText("Бронирование отменено");
  await expect(card.getByTestId("booking-status")).toHaveText("Отменено");
  await expect(card.getByTestId("cancel")).toHaveCount(0);
});

test("the chosen room is held with a countdown until the hold ends, and can be let go", async ({ page }) => {
  // The browser's clock only: the countdown runs on it, the server keeps real time.
  await page.clock.install();
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(newEmail("hold"));
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).not.toHaveURL(/\/register/);

  await page.goto(`/book?room_id=7&date_from=${dateIn(25)}&date_to=${dateIn(26)}`);
  await hydrated(page);
  const hold = page.getByTestId("hold");
  await expect(hold).toContainText(/Номер удерживается за вами до \d\d:\d\d/);
  await expect(page.getByTestId("hold-left")).toHaveText(/Осталось: (10:00|9:\d\d)/);
  await page.clock.fastForward("05:00");
  await expect(page.getByTestId("hold-left")).toHaveText(/Осталось: [45]:\d\d/);
  await page.clock.fastForward("05:30");
  await expect(page.getByTestId("hold-expired")).toHaveText(/Время удержания истекло/);

  await page.getByTestId("release").click();
  await expect(page).toHaveURL(/\/hotels\/\d+\?date_from=/);
});

test("a session that ends on the book page leads to login and back, with the room still held", async ({ page, context }) => {
  const email = newEmail("expired");
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).not.toHaveURL(/\/register/);

  const book = `/book?room_id=7&date_from=${dateIn(60)}&date_to=${dateIn(61)}&adults=2&children=0`;
  await page.goto(book);
  await hydrated(page);
  const held = (await page.getByTestId("hold").locator("p").first().textContent()) ?? "";
  expect(held).toMatch(/до \d\d:\d\d/);

  // The session ends (the cookie is gone, as when it expires); the guest reloads the step.
  await context.clearCookies();
  await page.reload();
  await expect(page).toHaveURL(/\/login\?return_to=/);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).toHaveURL(new RegExp(`/book\\?room_id=7&date_from=${dateIn(60)}`));
  await expect(page.getByTestId("hold").locator("p").first()).toHaveText(held);
});
