import { allowHttpStatuses, dateIn, expect, hydrated, test } from "./fixtures";

test("search Алтай for dates, open a hotel, see room prices and totals", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.locator('input[name="location"]').fill("Алтай");
  await page.locator('input[name="date_from"]').fill(dateIn(10));
  await page.locator('input[name="date_to"]').fill(dateIn(12));
  await page.getByRole("button", { name: "Найти" }).click();

  await expect(page).toHaveURL(/\/search\?location=%D0%90%D0%BB%D1%82%D0%B0%D0%B9&date_from=/);
  await expect(page.getByTestId("results-title")).toHaveText("Отели со свободными номерами на 2 ночи");
  const cards = page.getByTestId("hotel-card");
  await expect(cards).toHaveCount(3);
  // Cheapest stay first: Skala's cheapest room is 4 350 ₽ a night, 8 700 ₽ for the two.
  await expect(cards.first().getByRole("heading")).toHaveText("Skala");
  await expect(cards.first().getByTestId("total")).toHaveText(/от\s*8\s700\s₽ за 2 ночи/);

  await cards.first().getByRole("link", { name: "Skala" }).click();
  await expect(page).toHaveURL(
    new RegExp(`/hotels/2\\?location=%D0%90%D0%BB%D1%82%D0%B0%D0%B9&date_from=${dateIn(10)}&date_to=${dateIn(12)}&adults=2&children=0$`),
  );
  await expect(page.getByTestId("hotel-name")).toHaveText("Skala");
  await expect(page.getByTestId("hotel-hours")).toHaveText("Заезд с 14:00, выезд до 12:00 (время отеля)");
  const rooms = page.getByTestId("room-card");
  await expect(rooms).toHaveCount(2);
  await expect(rooms.nth(0).getByRole("heading")).toHaveText("Номер на 3-х человек");
  await expect(rooms.nth(0).getByTestId("room-layout").locator("li")).toHaveText([
    "26 м²",
    "1 двуспальная кровать",
    "1 односпальная кровать",
  ]);
  await expect(rooms.nth(0).getByTestId("total")).toHaveText(/8\s700\s₽ за 2 ночи/);
  await expect(rooms.nth(0).getByTestId("night-price")).toHaveText([/4\s350\s₽/, /4\s350\s₽/]);
  await expect(rooms.nth(0).getByTestId("rooms-left")).toHaveText("Есть свободные номера");
  await expect(rooms.nth(1).getByTestId("total")).toHaveText(/9\s140\s₽ за 2 ночи/);
  await expect(rooms.nth(1).getByTestId("book")).toHaveAttribute(
    "href",
    `/book?room_id=3&date_from=${dateIn(10)}&date_to=${dateIn(12)}&adults=2&children=0`,
  );

  // The search lives in the URL: back returns to the same results.
  await page.goBack();
  await expect(page.getByTestId("hotel-card")).toHaveCount(3);
  await expect(page.locator('input[name="location"]')).toHaveValue("Алтай");
});

test("sorting by name and changing the dates on the hotel page stay in the URL", async ({ page }) => {
  await page.goto(`/search?location=алтай&date_from=${dateIn(3)}&date_to=${dateIn(4)}`);
  await hydrated(page);
  await page.getByRole("link", { name: "По названию" }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(page.getByTestId("hotel-card").first().getByRole("heading")).toHaveText(
    "Cosmos Collection Altay Resort",
  );

  await page.goto(`/hotels/1?date_from=${dateIn(3)}&date_to=${dateIn(4)}`);
  await hydrated(page);
  await page.locator('.dates-form input[name="date_to"]').fill(dateIn(6));
  await page.getByRole("button", { name: "Показать цены" }).click();
  await expect(page).toHaveURL(new RegExp(`date_to=${dateIn(6)}`));
  await expect(page.getByTestId("room-card").first().getByTestId("total")).toHaveText(/за 3 ночи/);
});

/** Days from today to the next `weekday` (0 = Sunday) at least `from` days ahead. */
function nextWeekday(weekday: number, from: number): number {
  for (let offset = from; ; offset++) {
    const date = new Date();
    date.setDate(date.getDate() + offset);
    if (date.getDay() === weekday) return offset;
  }
}

test("a guest sees the stay's price night by night: weekend nights cost more", async ({ page }) => {
  // Cosmos Collection charges 20% more on Friday and Saturday nights (the demo's weekend rate).
  const thursday = nextWeekday(4, 3);
  await page.goto(`/hotels/1?date_from=${dateIn(thursday)}&date_to=${dateIn(thursday + 3)}`);
  await hydrated(page);
  const deluxe = page.getByTestId("room-card").filter({ hasText: "Делюкс Плюс" });
  await expect(deluxe.getByTestId("total")).toHaveText(/76\s330\s₽ за 3 ночи/);
  const nightly = deluxe.getByTestId("nightly-prices");
  await nightly.locator("summary").click();
  await expect(nightly.getByTestId("night-price")).toHaveText([/22\s450\s₽/, /26\s940\s₽/, /26\s940\s₽/]);
  await expect(nightly).toContainText("пт");

  // Friday arrivals stay two nights at least in the terrace room: the page says so.
  const friday = nextWeekday(5, 3);
  await page.goto(`/hotels/1?date_from=${dateIn(friday)}&date_to=${dateIn(friday + 1)}`);
  const terrace = page.getByTestId("room-card").filter({ hasText: "Улучшенный с террасой" });
  await expect(terrace.getByTestId("refusal")).toHaveText(/Минимум 2 ночи при заезде в пятницу/);
  await expect(terrace.getByTestId("book")).toHaveCount(0);
});

test("a party no room takes gets no room; the search form carries the guests", async ({ page }) => {
  await page.goto(`/hotels/2?date_from=${dateIn(10)}&date_to=${dateIn(12)}&adults=4`);
  await hydrated(page);
  await expect(page.getByTestId("room-card")).toHaveCount(0);
  await expect(page.getByTestId("no-rooms")).toContainText("нет номеров на 4 взрослых");

  await page.goto("/");
  await hydrated(page);
  await page.locator('input[name="location"]').fill("Алтай");
  await page.getByTestId("adults").selectOption("4");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page).toHaveURL(/adults=4/);
  // Only Ару-Кёль has a room for four adults (its two-room suite).
  await expect(page.getByTestId("hotel-card")).toHaveCount(1);
  await expect(page.getByTestId("hotel-card").getByRole("heading")).toHaveText("Ару-Кёль");
  await expect(page.getByTestId("adults")).toHaveValue("4");
});

test("bad dates and empty results say what happened", async ({ page, consoleErrors }) => {
  const response = await page.goto(`/search?date_from=${dateIn(5)}&date_to=${dateIn(40)}`);
  expect(response?.status()).toBe(400);
  await expect(page.getByTestId("search-error")).toHaveText("Бронировать можно не больше чем на 30 ночей");

  await page.goto(`/search?location=Атлантида&date_from=${dateIn(5)}&date_to=${dateIn(6)}`);
  await expect(page.getByTestId("no-results")).toContainText("Свободных номеров не нашлось");
  // The browser reports the document's own 400 status as a console error.
  allowHttpStatuses(consoleErrors, [400]);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("results fit the screen without sideways scrolling", async ({ page }) => {
    await page.goto(`/search?location=алтай&date_from=${dateIn(3)}&date_to=${dateIn(4)}`);
    await expect(page.getByTestId("hotel-card")).toHaveCount(3);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
