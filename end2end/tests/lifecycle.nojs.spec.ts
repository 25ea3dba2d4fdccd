import { dateIn, expect, test } from "./fixtures";

function ddmmyyyy(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

test("without JavaScript a guest changes a booking's dates, then cancels it, from its manage page", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Электронная почта").fill(`nojs-change-${Date.now()}@example.com`);
  await page.getByLabel("Пароль").fill("correct horse battery");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  const [from, to, newFrom, newTo] = [dateIn(50), dateIn(51), dateIn(52), dateIn(54)];
  await page.goto(`/book?room_id=8&date_from=${from}&date_to=${to}`);
  await expect(page.getByTestId("cancellation-terms")).toHaveText(
    `Бесплатная отмена до ${ddmmyyyy(from)}, 14:00 (время отеля)`,
  );
  await page.getByLabel("Имя проживающего гостя").fill("Анна Петрова");
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);

  await page.getByTestId("manage").click();
  await expect(page).toHaveURL(/\/manage\/\d+\.\d+\.[0-9a-f]{32}$/);
  await page.getByTestId("change-from").fill(newFrom);
  await page.getByTestId("change-to").fill(newTo);
  await page.getByTestId("change-check").click();
  await expect(page.getByTestId("change-difference")).toHaveText(/Доплата/);
  await page.getByRole("button", { name: "Подтвердить изменение" }).click();
  await expect(page.getByTestId("notice")).toHaveText(/Бронирование изменено/);
  await expect(page.getByTestId("booking-dates")).toHaveText(`${ddmmyyyy(newFrom)} — ${ddmmyyyy(newTo)}`);

  await page.getByTestId("cancel").click();
  await page.getByRole("button", { name: "Да, отменить" }).click();
  await expect(page.getByTestId("notice")).toHaveText(/Бронирование отменено/);
  await expect(page.getByTestId("booking-status")).toHaveText("Отменено");
});
