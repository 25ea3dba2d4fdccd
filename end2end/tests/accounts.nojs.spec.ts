import { askForReset, expect, newEmail, resetLinkFor, test } from "./fixtures";

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

test("without JavaScript: forgot password, then a wrong current password on the profile", async ({ page }) => {
  const email = newEmail("nojs-reset");
  await page.goto("/register");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);

  await askForReset(page, email);
  await page.goto(await resetLinkFor(email));
  await page.getByLabel("Новый пароль").fill("short");
  await page.getByRole("button", { name: "Сохранить пароль" }).click();
  await expect(page.locator("#password-error")).toHaveText("Пароль должен быть не короче 8 символов");
  await page.getByLabel("Новый пароль").fill("a brand new password");
  await page.getByRole("button", { name: "Сохранить пароль" }).click();
  await expect(page).toHaveURL(/\/account\?saved=reset/);
  await expect(page.getByTestId("account-email")).toHaveText(email);

  const form = page.getByRole("region", { name: "Сменить пароль" });
  await form.getByLabel("Текущий пароль").fill("wrong password");
  await form.getByLabel("Новый пароль").fill("another good password");
  await form.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(page).toHaveURL(/form=password/);
  await expect(page.locator("#current_password-error")).toHaveText("Текущий пароль неверен");
});
