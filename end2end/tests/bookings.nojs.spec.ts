import { dateIn, expect, test } from "./fixtures";

test("without JavaScript a signed-in guest books and cancels", async ({ page }) => {
  const email = `nojs-book-${Date.now()}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("correct horse battery");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  await page.goto(`/book?room_id=7&date_from=${dateIn(15)}&date_to=${dateIn(16)}`);
  await expect(page.getByTestId("total")).toHaveText(/4\s300\s₽ за 1 ночь/);
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
  await expect(page.getByTestId("booking-card")).toHaveCount(1);

  await page.getByTestId("cancel").click();
  await expect(page).toHaveURL(/\/bookings\?cancel=\d+/);
  await page.getByRole("button", { name: "Да, отменить" }).click();
  await expect(page.getByTestId("booking-status")).toHaveText("Отменено");
});
