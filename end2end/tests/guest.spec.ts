import { allowHttpStatuses, dateIn, expect, hydrated, test } from "./fixtures";

const PASSWORD = "correct horse battery";

function ddmmyyyy(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

async function signUp(page: import("@playwright/test").Page, tag: string): Promise<void> {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(`${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).not.toHaveURL(/\/register/);
}

test("what a guest types before the page wakes up is kept, and the search URL is clean", async ({ page }) => {
  // Hold the app's wasm back until the guest has typed, as a slow phone would.
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await gate;
    await route.continue();
  });
  const from = dateIn(7);
  const to = dateIn(9);
  await page.goto(`/search?location=${encodeURIComponent("Алтай")}&date_from=${from}&date_to=${to}`, {
    waitUntil: "domcontentloaded",
  });
  const location = page.locator('input[name="location"]');
  // The server rendered the search's values into the form.
  await expect(location).toHaveValue("Алтай");
  await expect(page.locator('input[name="date_from"]')).toHaveValue(from);
  await expect(page.locator('input[name="date_to"]')).toHaveValue(to);
  await location.fill("Сыктывкар");
  release();
  await hydrated(page);
  await expect(location).toHaveValue("Сыктывкар");

  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page).toHaveURL(/location=%D0%A1/);
  expect(page.url()).not.toMatch(/&=|\?=/);
  await expect(page.getByTestId("hotel-card")).toHaveCount(2);
});

test("reversed dates keep their error and the form shows the dates asked for", async ({ page, consoleErrors }) => {
  const from = dateIn(9);
  const to = dateIn(7);
  await page.goto(`/search?location=${encodeURIComponent("Сыктывкар")}&date_from=${from}&date_to=${to}`);
  await hydrated(page);
  await expect(page.getByTestId("search-error")).toBeVisible();
  await expect(page.locator('input[name="date_from"]')).toHaveValue(from);
  await expect(page.locator('input[name="date_to"]')).toHaveValue(to);
  allowHttpStatuses(consoleErrors, [400]);
});

test("back to results from a hotel returns to the place searched for", async ({ page }) => {
  const from = dateIn(12);
  const to = dateIn(13);
  await page.goto(`/search?location=${encodeURIComponent("Сыктывкар")}&date_from=${from}&date_to=${to}&sort=name`);
  await hydrated(page);
  await page.getByRole("link", { name: "Palace" }).first().click();
  await expect(page.getByTestId("hotel-name")).toHaveText("Palace");
  // Other dates on the hotel page are kept on the way back, with the place.
  await page.locator('input[name="date_to"]').fill(dateIn(14));
  await page.getByRole("button", { name: "Показать цены" }).click();
  await expect(page).toHaveURL(new RegExp(`date_to=${dateIn(14)}`));
  expect(page.url()).not.toMatch(/&=/);
  await page.getByRole("link", { name: "← К результатам поиска" }).click();
  await expect(page).toHaveURL(/\/search\?location=/);
  await expect(page.locator('input[name="location"]')).toHaveValue("Сыктывкар");
  await expect(page.locator('input[name="date_to"]')).toHaveValue(dateIn(14));
  await expect(page.getByTestId("hotel-card")).toHaveCount(2);
  await expect(page.getByRole("link", { name: "По названию" })).toHaveAttribute("aria-current", "true");
});

test("dead ends of the book page say what happened and lead on", async ({ page, consoleErrors }) => {
  await signUp(page, "deadend");
  for (const id of ["x", "999999"]) {
    await page.goto(`/book?room_id=${id}`);
    await expect(page.getByTestId("book-error")).toContainText("Такого номера нет");
    await page.getByTestId("book-error-search").click();
    await expect(page).toHaveURL(/\/search/);
  }
  // No dates: tomorrow, one night (as the README says).
  await page.goto("/book?room_id=9");
  const summary = page.getByTestId("booking-summary");
  await expect(summary.getByTestId("check-in")).toHaveText(ddmmyyyy(dateIn(1)));
  await expect(summary.getByTestId("check-out")).toHaveText(ddmmyyyy(dateIn(2)));
  allowHttpStatuses(consoleErrors, [404]);
});

test("a hotel with dates that do not parse is still shown, with the error and the form", async ({ page, consoleErrors }) => {
  const response = await page.goto("/hotels/5?date_from=garbage&date_to=2026-13-45");
  expect(response?.status()).toBe(422);
  await hydrated(page);
  await expect(page.getByTestId("hotel-name")).toHaveText("Palace");
  await expect(page.getByTestId("hotel-error")).toBeVisible();
  await expect(page.getByRole("button", { name: "Показать цены" })).toBeVisible();
  allowHttpStatuses(consoleErrors, [422]);
});

test("the back button after booking shows the booking, not the confirm step", async ({ page }) => {
  await signUp(page, "back");
  const from = dateIn(41);
  const to = dateIn(42);
  await page.goto(`/book?room_id=10&date_from=${from}&date_to=${to}`);
  await hydrated(page);
  await page.getByLabel("Имя проживающего гостя").fill("Анна Петрова");
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
  const booked = new URL(page.url()).searchParams.get("booked");

  await page.goBack();
  await expect(page).toHaveURL(/\/book\?/);
  await expect(page.getByTestId("already-booked")).toBeVisible();
  await expect(page.getByRole("button", { name: "Подтвердить бронирование" })).toHaveCount(0);
  await page.getByRole("link", { name: "Моё бронирование" }).click();
  await expect(page).toHaveURL(new RegExp(`/bookings\\?booked=${booked}`));

  // A second room of the same type for the same dates stays possible, on purpose.
  await page.goto(`/book?room_id=10&date_from=${from}&date_to=${to}`);
  await page.getByTestId("book-another").click();
  await expect(page.getByRole("button", { name: "Подтвердить бронирование" })).toBeVisible();
});

/** A login POST from the local address `from` (a second machine, as far as the server knows). */
async function loginFrom(from: string, email: string, password: string): Promise<number> {
  const http = await import("node:http");
  const body = new URLSearchParams({ email, password }).toString();
  const base = new URL(process.env.E2E_PORT ? `http://127.0.0.1:${process.env.E2E_PORT}` : "http://127.0.0.1:3100");
  return await new Promise<number>((resolve, reject) => {
    const request = http.request(
      {
        host: base.hostname,
        port: base.port,
        path: "/api/login",
        method: "POST",
        localAddress: from,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

test("wrong passwords from elsewhere lock out the guesser, not the guest", async ({ page }) => {
  const email = `owner-${Date.now()}@example.com`;
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).not.toHaveURL(/\/register/);
  await page.context().clearCookies();

  for (let i = 0; i < 10; i++) {
    expect(await loginFrom("127.0.0.2", email, "not the password")).toBe(401);
  }
  expect(await loginFrom("127.0.0.2", email, PASSWORD)).toBe(429);

  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
});

test.describe("in English", () => {
  test.use({ locale: "en-GB" });

  test("prices, dates and amenities follow the language", async ({ page }) => {
    const from = dateIn(10);
    const to = dateIn(12);
    await page.goto(`/hotels/2?date_from=${from}&date_to=${to}`);
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator(".hotel-header .services li")).toHaveText(["Wi-Fi", "Parking"]);
    // Room types' English names and descriptions (the demo's), the Russian ones after a switch.
    await expect(page.locator(".room-card h3")).toHaveText(["Triple room", "Double room"]);
    await expect(page.getByTestId("room-card").nth(1).locator(".description")).toHaveText("Indescribable beauty.");
    const room = page.getByTestId("room-card").first();
    await expect(room.getByTestId("total")).toContainText("₽8,700");
    await expect(room.getByTestId("night-price")).toHaveText(["₽4,350", "₽4,350"]);
    const [y, m, d] = from.split("-").map(Number);
    const english = `${d} ${"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ")[m - 1]} ${y}`;
    await room.getByTestId("nightly-prices").locator("summary").click();
    await expect(room.getByTestId("nightly-prices")).toContainText(english);
    // Switching to Russian in place rewrites them.
    await page.getByRole("button", { name: /Рус/ }).click();
    await expect(room.getByTestId("night-price")).toHaveText([/4\s350\s₽/, /4\s350\s₽/]);
    await expect(page.locator(".hotel-header .services li")).toHaveText(["Wi-Fi", "Парковка"]);
    await expect(page.locator(".room-card h3")).toHaveText(["Номер на 3-х человек", "Номер на 2-х человек"]);
    await expect(page.getByTestId("room-card").nth(1).locator(".description")).toHaveText("Красота неописуемая.");
  });

  test("a hotel's English name is in the results, on its page and in the title", async ({ page }) => {
    await page.goto(`/search?location=Altai&date_from=${dateIn(10)}&date_to=${dateIn(11)}`);
    await expect(page.locator(".hotel-card-name")).toContainText(["Aru-Kol"]);
    await page.getByRole("link", { name: "Aru-Kol" }).click();
    await expect(page.getByTestId("hotel-name")).toHaveText("Aru-Kol");
    await expect(page).toHaveTitle("Aru-Kol");
  });
});

test("the keyboard starts at a skip link, sees where it is, and lands on the new page's content", async ({ page }) => {
  await page.goto(`/search?location=${encodeURIComponent("Сыктывкар")}&date_from=${dateIn(5)}&date_to=${dateIn(6)}`);
  await hydrated(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Перейти к содержимому" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main")).toBeFocused();

  // A visible ring on a focused control.
  await page.locator('input[name="location"]').focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  const ring = await page.locator('input[name="location"]').evaluate((element) => getComputedStyle(element).outlineStyle);
  expect(ring).not.toBe("none");

  // Following a link moves focus to the new page's heading.
  await page.getByRole("link", { name: "Palace" }).first().click();
  await expect(page.getByTestId("hotel-name")).toBeFocused();
});
