import { expect, test } from "./fixtures";

const PASSWORD = "correct horse battery";

test("without JavaScript: register, log out, log in, errors in the page", async ({ page }) => {
  const email = `nojs-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("short");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.locator("#password-error")).toHaveText("Пароль должен быть не короче 8 символов");
  // The email survives the round trip.
  await expect(page.getByLabel("Электронная почта")).toHaveValue(email);

  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);

  await page.goto("/login");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("wrong password");
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page.getByRole("alert")).toHaveText("Неверная почта или пароль");

  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);
});
