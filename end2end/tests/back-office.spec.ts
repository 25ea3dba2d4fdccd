import { test, expect, hydrated, dateIn, emailTo, allowHttpStatuses, type Page } from "./fixtures";

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
async function createHotel(page: Page, place: string, js: boolean, timeZone = "Asia/Barnaul"): Promise<string> {
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
  await form.getByTestId("field-description").fill("Баня у реки и тишина.");
  await form.getByTestId("field-time_zone").fill(timeZone);
  await form.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText("Сохранено.")).toBeVisible();

  if (js) await hydrated(page);
  await page.getByText("Добавить тип номера").click();
  const room = page.getByTestId("new-room-form");
  await room.getByTestId("field-name").fill("Домик у реки");
  await room.getByTestId("field-price").fill("5200");
  await room.getByTestId("field-quantity").fill("2");
  await room.getByTestId("field-size_m2").fill("24");
  await room.getByTestId("field-double_beds").fill("1");
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

test("an admin creates a hotel and a room type, and a guest finds them", async ({ page, browser }) => {
  await signInAsAdmin(page, true);
  const place = uniquePlace();
  const name = await createHotel(page, place, true);

  // The room type's page: its fields as saved, and its history.
  await page.getByTestId("room-types").getByRole("link", { name: "Домик у реки" }).click();
  await expect(page.getByTestId("room-form").getByTestId("field-price")).toHaveValue("5200");
  await page.getByTestId("room-form").getByTestId("field-price").fill("5400");
  await page.getByTestId("room-form").getByTestId("field-name_en").fill("Riverside cabin");
  await page.getByTestId("room-form").getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByTestId("history")).toContainText("room.update");
  await expect(page.getByTestId("room-form").getByTestId("field-name_en")).toHaveValue("Riverside cabin");

  const search = `/search?location=${encodeURIComponent(place)}&date_from=${dateIn(10)}&date_to=${dateIn(12)}`;
  await page.goto(search);
  await expect(page.getByText(name).first()).toBeVisible();
  // A guest reading English sees the room type's English name (the hotel has none: its own).
  const english = await browser.newContext({ locale: "en-US" });
  const guest = await english.newPage();
  await guest.goto(search);
  await guest.getByRole("link", { name }).first().click();
  await expect(guest.getByTestId("hotel-name")).toHaveText(name);
  // No English description: the hotel's own.
  await expect(guest.getByTestId("hotel-description")).toHaveText("Баня у реки и тишина.");
  await expect(guest.getByTestId("room-card").locator("h3")).toHaveText("Riverside cabin");
  // Its two rooms are few: the page says so (a room type with many would not).
  await expect(guest.getByTestId("room-card").getByTestId("rooms-left")).toHaveText("Only 2 rooms left");
  await expect(guest.getByTestId("room-card").getByTestId("room-layout").locator("li")).toHaveText([
    "24 m²",
    "1 double bed",
  ]);
  await english.close();
});

/** The offset of the first `weekday` (0 = Sunday) at least `from` days ahead. */
function nextWeekday(weekday: number, from: number): number {
  for (let offset = from; ; offset++) {
    const date = new Date();
    date.setDate(date.getDate() + offset);
    if (date.getDay() === weekday) return offset;
  }
}

test("a manager sets a weekend price and closes a date in the calendar; a guest sees both", async ({
  page,
  browser,
}) => {
  await signInAsAdmin(page, true);
  await createHotel(page, uniquePlace(), true);
  const hotelId = new URL(page.url()).pathname.split("/")[3];
  await page.getByRole("link", { name: "Календарь: цены, свободные номера и ограничения" }).click();
  await expect(page.getByRole("heading", { name: "Календарь цен и мест", level: 1 })).toBeVisible();
  await hydrated(page);

  // Drag from Thursday to Sunday over the room type's row: the form takes the dates.
  const friday = nextWeekday(5, 3);
  const cell = (offset: number) => page.locator(`[data-cell$=":${dateIn(offset)}"]`);
  await cell(friday - 1).hover();
  await page.mouse.down();
  await cell(friday).hover();
  await cell(friday + 2).hover();
  await page.mouse.up();
  const form = page.getByTestId("calendar-form");
  await expect(form.getByLabel("Первая дата")).toHaveValue(dateIn(friday - 1));
  await expect(form.getByLabel("Последняя дата")).toHaveValue(dateIn(friday + 2));
  await expect(form.getByRole("checkbox", { name: "Домик у реки" })).toBeChecked();

  // Fridays and Saturdays of those dates cost 7 000 ₽.
  await form.getByRole("checkbox", { name: "пт", exact: true }).check();
  await form.getByRole("checkbox", { name: "сб", exact: true }).check();
  await form.getByLabel("Цена ночи").selectOption("set");
  await form.getByLabel("Цена, ₽").fill("7000");
  await form.getByRole("button", { name: "Посмотреть изменения" }).click();
  const preview = page.getByTestId("calendar-preview");
  await expect(preview.getByTestId("calendar-changed")).toHaveText("Изменятся 2 даты.");
  await expect(preview.getByTestId("calendar-changes")).toContainText(/7\s000\s₽ \(задана на дату\)/);
  await preview.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByTestId("calendar-saved")).toContainText("Изменено дат: 2");
  await expect(cell(friday)).toContainText(/7\s000/);

  // The Tuesday after is closed, through the form alone.
  await hydrated(page);
  // The room type stays ticked after a save.
  await expect(form.getByRole("checkbox", { name: "Домик у реки" })).toBeChecked();
  await form.getByLabel("Первая дата").fill(dateIn(friday + 4));
  await form.getByLabel("Последняя дата").fill(dateIn(friday + 4));
  await form.getByRole("checkbox", { name: "пт", exact: true }).uncheck();
  await form.getByRole("checkbox", { name: "сб", exact: true }).uncheck();
  await form.getByLabel("Цена ночи").selectOption("keep");
  await form.getByLabel("Продажа").selectOption("close");
  await form.getByRole("button", { name: "Посмотреть изменения" }).click();
  await expect(page.getByTestId("calendar-changed")).toHaveText("Изменится 1 дата.");
  await page.getByTestId("calendar-preview").getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByTestId("calendar-saved")).toContainText("Изменено дат: 1");
  await expect(cell(friday + 4)).toHaveClass(/closed/);

  // A guest, signed out: Thursday to Sunday costs 5 200 + 7 000 + 7 000; the Tuesday is not sold.
  const guest = await browser.newPage();
  await guest.goto(`/hotels/${hotelId}?date_from=${dateIn(friday - 1)}&date_to=${dateIn(friday + 2)}`);
  const room = guest.getByTestId("room-card").filter({ hasText: "Домик у реки" });
  await expect(room.getByTestId("total")).toHaveText(/19\s200\s₽ за 3 ночи/);
  await expect(room.getByTestId("night-price")).toHaveText([/5\s200\s₽/, /7\s000\s₽/, /7\s000\s₽/]);
  await guest.goto(`/hotels/${hotelId}?date_from=${dateIn(friday + 3)}&date_to=${dateIn(friday + 5)}`);
  await expect(room.getByTestId("refusal")).toHaveText(/Не продаётся на ночь/);
  await expect(room.getByTestId("book")).toHaveCount(0);
  await guest.close();
});

/** Registers `email` in a browser context of its own and books the hotel's room type `roomId`
 * from `from` to `to` days ahead in `guest`'s name (registered once per page). */
async function bookAsGuest(page: Page, email: string, roomId: string, from: number, to: number, guest: string): Promise<void> {
  if (!page.url().includes("/bookings")) {
    await page.goto("/register");
    await hydrated(page);
    await page.getByLabel("Электронная почта").fill(email);
    await page.getByLabel("Пароль").fill("correct horse battery");
    await page.getByRole("button", { name: "Зарегистрироваться" }).click();
    await expect(page).not.toHaveURL(/\/register/);
  }
  await page.goto(`/book?room_id=${roomId}&date_from=${dateIn(from)}&date_to=${dateIn(to)}`);
  await hydrated(page);
  await page.getByLabel("Имя проживающего гостя").fill(guest);
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
}

test("a manager finds a guest's bookings, checks the guest in and out, and cancels a stay with a reason", async ({
  page,
  browser,
}) => {
  await signInAsAdmin(page, true);
  // On UTC, so the hotel's day is the test's day.
  await createHotel(page, uniquePlace(), true, "UTC");
  const roomHref = await page.getByTestId("room-types").getByRole("link", { name: "Домик у реки" }).getAttribute("href");
  const roomId = (roomHref ?? "").split("/").pop() ?? "";

  // A guest books tonight and a stay next week.
  const email = `desk-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const context = await browser.newContext();
  const guest = await context.newPage();
  await bookAsGuest(guest, email, roomId, 0, 2, "Анна Лисицына");
  await bookAsGuest(guest, email, roomId, 7, 9, "Анна Лисицына");
  await context.close();

  // The manager finds both by the guest's email, nearest check-in first.
  await page.goto("/admin");
  await hydrated(page);
  await page.getByRole("link", { name: "Бронирования", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Бронирования", level: 1 })).toBeVisible();
  await hydrated(page);
  const filter = page.getByTestId("bookings-filter");
  await filter.getByTestId("filter-q").fill(email);
  await filter.getByRole("button", { name: "Показать" }).click();
  const rows = page.getByTestId("booking-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("Анна Лисицына");
  await expect(rows.first()).toContainText("Ожидается");
  // The same list as CSV.
  const csvHref = (await page.getByTestId("bookings-csv").getAttribute("href")) ?? "";
  expect(csvHref).toContain(`q=${encodeURIComponent(email)}`);
  const csv = await page.request.get(csvHref);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain("Анна Лисицына");

  // Tonight's stay: check in, then out.
  await rows.first().getByRole("link").click();
  // The booking's page (a lazy route: the list stays until its code has loaded).
  await expect(page.getByTestId("desk-nights")).toBeVisible();
  await expect(page.getByTestId("desk-status")).toHaveText("Ожидается");
  await expect(page.getByTestId("desk-nights").locator("tbody tr")).toHaveCount(2);
  await hydrated(page);
  await page.getByTestId("desk-check_in").click();
  await expect(page.getByTestId("desk-status")).toHaveText("Проживает");
  await expect(page.getByTestId("history")).toContainText("booking.check_in");
  await hydrated(page);
  await page.getByTestId("desk-check_out").click();
  await expect(page.getByTestId("desk-status")).toHaveText("Выехал");
  await expect(page.getByText("Сейчас здесь нечего отмечать.")).toBeVisible();

  // Next week's: cancelled by the hotel with a reason, which the guest reads in the email.
  await page.goto(`/admin/bookings?q=${encodeURIComponent(email)}&status=booked`);
  await expect(page.getByTestId("booking-row")).toHaveCount(1);
  await page.getByTestId("booking-row").getByRole("link").click();
  await hydrated(page);
  await page.getByTestId("desk-reason").fill("Ремонт в номере");
  await page.getByTestId("desk-cancel").click();
  await expect(page.getByTestId("desk-status")).toHaveText("Отменено");
  await expect(page.getByTestId("booking-facts")).toContainText("Ремонт в номере");
  const letter = await emailTo(email, "Бронирование отменено");
  expect(letter.text).toContain("Отель отменил ваше бронирование");
  expect(letter.text).toContain("Причина: Ремонт в номере");
  await expect(page.getByTestId("desk-emails")).toContainText("Отмена");

  // The hotel's figures: the stay's nights sold this year, the cancellation counted.
  await page.getByTestId("booking-facts").getByRole("link").click();
  await page.getByRole("link", { name: "Показатели: загрузка, ADR, RevPAR" }).click();
  await expect(page.getByTestId("figures-chart").getByTestId("chart-bar")).toHaveCount(12);
  const year = String(new Date().getFullYear());
  const nights = [0, 1].filter((day) => dateIn(day).startsWith(year)).length;
  const total = page.getByTestId("figures-table").locator("tfoot").getByTestId("figures-row");
  await expect(total.getByTestId("nights")).toHaveText(new RegExp(`^${nights} / `));
  await expect(total.getByTestId("cancellations")).toHaveText("1");
  await expect(total.getByTestId("bookings")).toHaveText("2");
});

test("an admin finds an account and disables it: its open session ends; enabled, it signs in again", async ({
  page,
  browser,
}) => {
  const email = `account-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const context = await browser.newContext();
  const guest = await context.newPage();
  await guest.goto("/register");
  await hydrated(guest);
  await guest.getByLabel("Электронная почта").fill(email);
  await guest.getByLabel("Пароль").fill("correct horse battery");
  await guest.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(guest).not.toHaveURL(/\/register/);
  await guest.goto("/bookings");
  await expect(guest.getByRole("heading", { name: "Мои бронирования", level: 1 })).toBeVisible();

  await signInAsAdmin(page, true);
  await page.goto("/admin");
  await hydrated(page);
  await page.getByRole("link", { name: "Пользователи", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Пользователи", level: 1 })).toBeVisible();
  await hydrated(page);
  const filter = page.getByTestId("users-filter");
  await filter.getByTestId("users-q").fill(email);
  await filter.getByRole("button", { name: "Показать" }).click();
  const row = page.getByTestId("user-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("активен");
  await row.getByTestId("user-disable").click();
  await expect(row).toContainText("отключён");
  await expect(row.getByTestId("user-enable")).toBeVisible();

  // The guest's open page: the next request is signed out.
  await guest.goto("/bookings");
  await expect(guest).toHaveURL(/\/login/);

  await row.getByTestId("user-enable").click();
  await expect(row).toContainText("активен");
  // Disabling ends the sessions issued up to the end of its second (tokens carry whole
  // seconds): a sign-in in that same second would count as one of them (see README).
  await guest.waitForTimeout(1100);
  await guest.getByLabel("Электронная почта").fill(email);
  await guest.getByLabel("Пароль").fill("correct horse battery");
  await guest.getByRole("button", { name: "Войти" }).last().click();
  await expect(guest).toHaveURL(/\/bookings/);
  await context.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the back office's forms work as plain posts, errors included", async ({ page, consoleErrors }) => {
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

    // The calendar's bulk edit is a GET form (the preview) and a POST (the save).
    await page.getByRole("link", { name: "Календарь: цены, свободные номера и ограничения" }).click();
    const edit = page.getByTestId("calendar-form");
    await edit.getByRole("checkbox", { name: "Домик у реки" }).check();
    await edit.getByLabel("Первая дата").fill(dateIn(5));
    await edit.getByLabel("Последняя дата").fill(dateIn(6));
    await edit.getByLabel("Минимум ночей").selectOption("set");
    await edit.getByLabel("Ночей (минимум)").fill("3");
    await edit.getByRole("button", { name: "Посмотреть изменения" }).click();
    await expect(page.getByTestId("calendar-changed")).toHaveText("Изменятся 2 даты.");
    // The preview's URL is the edit: a value out of range there is refused in words.
    const previewUrl = page.url();
    await page.goto(previewUrl.replace("min_stay=3", "min_stay=31"));
    await expect(page.getByTestId("calendar-preview")).toContainText("число ночей от 1 до 30");
    allowHttpStatuses(consoleErrors, [422]);
    await page.goto(previewUrl);
    await page.getByTestId("calendar-preview").getByRole("button", { name: "Сохранить" }).click();
    await expect(page.getByTestId("calendar-saved")).toContainText("Изменено дат: 2");
    await expect(page.locator(`[data-cell$=":${dateIn(5)}"]`)).toContainText("≥3");
  });

  test("the front desk's filter and marks work as a plain GET and POST", async ({ page }) => {
    await signInAsAdmin(page, false);
    await createHotel(page, uniquePlace(), false, "UTC");
    const roomHref = await page.getByTestId("room-types").getByRole("link", { name: "Домик у реки" }).getAttribute("href");
    const roomId = (roomHref ?? "").split("/").pop() ?? "";
    // The admin books tonight for a guest of their own, without JavaScript.
    await page.goto(`/book?room_id=${roomId}&date_from=${dateIn(0)}&date_to=${dateIn(1)}`);
    await page.getByLabel("Имя проживающего гостя").fill("Без Скриптов");
    await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
    await expect(page).toHaveURL(/\/bookings\?booked=\d+/);

    await page.goto("/admin/bookings");
    const filter = page.getByTestId("bookings-filter");
    await filter.getByTestId("filter-q").fill("Без Скриптов");
    await filter.getByTestId("filter-status").selectOption("booked");
    await filter.getByRole("button", { name: "Показать" }).click();
    await expect(page).toHaveURL(/status=booked/);
    await expect(page.getByTestId("filter-q")).toHaveValue("Без Скриптов");
    await expect(page.getByTestId("booking-row")).toHaveCount(1);
    await page.getByTestId("booking-row").getByRole("link").click();
    await page.getByTestId("desk-check_in").click();
    await expect(page.getByText("Готово.")).toBeVisible();
    await expect(page.getByTestId("desk-status")).toHaveText("Проживает");
  });
});
