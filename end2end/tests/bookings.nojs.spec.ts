import { dateIn, expect, test } from "./fixtures";

test("without JavaScript a signed-in guest books and cancels", async ({ page }) => {
  const email = `nojs-book-${Date.now()}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("correct horse battery");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  await page.goto(`/book?room_id=7&date_from=${dateIn(15)}&date_to=${dateIn(16)}`);
  await expect(page.getByTestId("total")).toHaveText(/4\s300\s₽ за 1 ночь/);
  await expect(page.getByTestId("hold")).toContainText(/Номер удерживается за вами до \d\d:\d\d/);
  await expect(page.getByLabel("Имя проживающего гостя")).toHaveValue("");
  await page.getByLabel("Имя проживающего гостя").fill("Анна Петрова");
  await page.getByLabel("Пожелания к отелю (необязательно)").fill("Поздний заезд");
  await page.getByRole("button", { name: "Подтвердить бронирование" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);
  await expect(page.getByTestId("booking-card")).toHaveCount(1);
  await expect(page.getByTestId("guest-name")).toHaveText("Анна Петрова");
  await expect(page.getByTestId("guest-request")).toHaveText("Поздний заезд");
  await expect(page.getByTestId("booked-reference")).toContainText(/[2-9A-HJ-NP-Z]{8}/);

  // The next booking offers the account's name.
  await page.goto(`/book?room_id=7&date_from=${dateIn(17)}&date_to=${dateIn(18)}`);
  await expect(page.getByLabel("Имя проживающего гостя")).toHaveValue("Анна Петрова");
  // Letting the held room go leads back to the hotel's rooms.
  await page.getByRole("button", { name: "Выбрать другой номер" }).click();
  await expect(page).toHaveURL(/\/hotels\/\d+\?date_from=/);
  await page.goto("/bookings");

  await page.getByTestId("cancel").click();
  await expect(page).toHaveURL(/\/bookings\?cancel=\d+/);
  await page.getByRole("button", { name: "Да, отменить" }).click();
  await expect(page.getByTestId("booking-status")).toHaveText("Отменено");
});
