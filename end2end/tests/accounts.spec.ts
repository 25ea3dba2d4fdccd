import { allowHttpStatuses, expect, hydrated, test } from "./fixtures";

/** A fresh address per run, so the tests never depend on one another. */
function newEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

const PASSWORD = "correct horse battery";

test("register, log out, log in: the header follows the session", async ({ page }) => {
  const email = newEmail("flow");
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  await expect(page).toHaveURL("/");
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Войти" })).toBeVisible();

  await page.getByRole("link", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Электронная почта").fill(email.toUpperCase());
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);
});

test("field errors appear next to the fields", async ({ page, consoleErrors }) => {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill("not-an-email");
  await page.getByLabel("Пароль").fill("short");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.locator("#email-error")).toHaveText("Это не похоже на адрес электронной почты");

  await page.getByLabel("Электронная почта").fill(newEmail("field"));
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.locator("#password-error")).toHaveText("Пароль должен быть не короче 8 символов");
  allowHttpStatuses(consoleErrors, [422]);
});

test("a wrong password gets one clear message", async ({ page, consoleErrors }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill("test@test.com");
  await page.getByLabel("Пароль").fill("wrong password");
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page.getByRole("alert")).toHaveText("Неверная почта или пароль");
  allowHttpStatuses(consoleErrors, [401]);
});

test("a protected page sends you to log in and back", async ({ page }) => {
  const email = newEmail("back");
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);

  await page.goto("/account");
  await expect(page).toHaveURL("/login?return_to=%2Faccount");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Войти" }).last().click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByTestId("profile-email")).toHaveText(email);
});
