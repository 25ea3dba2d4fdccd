import { test, expect, hydrated, dateIn, newEmail } from "./fixtures";

// The second server process playwright.config.ts starts on the same database and Redis.
const port = Number(process.env.E2E_PORT ?? "3100");
const secondURL = `http://127.0.0.1:${process.env.E2E_SECOND_PORT ?? String(port + 1)}`;
const PASSWORD = "correct horse battery";
// Palace's first room type: 5 rooms in the demo data.
const HOTEL = 1;
const ROOM = 1;

test("a hotel page on another server follows a guest's hold, booking and cancellation live", async ({ page, browser }) => {
  // Far-off dates of this run's own, so other tests' bookings do not count.
  const offset = 300 + Math.floor(Math.random() * 150);
  const stay = `date_from=${dateIn(offset)}&date_to=${dateIn(offset + 1)}`;

  // The watcher: another browser on the other server process, hydrated.
  const watching = await browser.newContext({ baseURL: secondURL });
  const watcher = await watching.newPage();
  await watcher.goto(`/hotels/${HOTEL}?${stay}`);
  await hydrated(watcher);
  const card = watcher.locator(`[data-testid="room-card"][data-room-id="${ROOM}"]`);
  await expect(card.getByTestId("book")).toBeVisible();

  // The guest, on the first server: all rooms but one booked through the API...
  const api = page.request;
  const email = newEmail("live");
  expect((await api.post("/api/v1/auth/register", { data: { email, password: PASSWORD } })).ok()).toBe(true);
  expect((await api.post("/api/v1/auth/login", { data: { email, password: PASSWORD } })).ok()).toBe(true);
  const rooms = await (await api.get(`/api/v1/hotels/${HOTEL}/rooms?${stay}`)).json();
  const left: number = rooms.find((room: { id: number }) => room.id === ROOM).rooms_left;
  expect(left).toBeGreaterThan(1);
  for (let i = 1; i < left; i++) {
    expect((await api.post(`/api/v1/bookings?room_id=${ROOM}&${stay}`)).status()).toBeLessThan(300);
  }
  await expect(card.getByTestId("rooms-left")).toHaveText("Остался всего 1 номер", { timeout: 2_000 });

  // ...then the last one chosen in the page (another room of a type the guest already booked
  // for these dates): held for this guest, so gone for the watcher.
  await page.goto(`/book?room_id=${ROOM}&${stay}&another=1`);
  await hydrated(page);
  await expect(card.getByTestId("sold-out")).toBeVisible({ timeout: 2_000 });
  await expect(card.getByTestId("book")).toHaveCount(0);
  await page.getByLabel("Имя проживающего гостя").fill("Анна Петрова");
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
  const booking = new URL(page.url()).searchParams.get("booked");

  // Cancelled: the room is back on the watcher's page within a second or so.
  expect((await api.delete(`/api/v1/bookings/${booking}`)).ok()).toBe(true);
  await expect(card.getByTestId("rooms-left")).toHaveText("Остался всего 1 номер", { timeout: 2_000 });
  await expect(card.getByTestId("book")).toBeVisible();
  await watching.close();
});
