import { allowHttpStatuses, askForReset, expect, hydrated, newEmail, resetLinkFor, test, type Page } from "./fixtures";

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
  await signUp(page, email);
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

/** Signs up `email` with the page's form (and so signs in). */
async function signUp(page: Page, email: string): Promise<void> {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.getByTestId("account-email")).toHaveText(email);
}

test("forgot password: the emailed link sets a new password once", async ({ page, consoleErrors }) => {
  const email = newEmail("reset");
  await signUp(page, email);
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByTestId("account-email")).toHaveCount(0);

  await askForReset(page, email);
  const link = await resetLinkFor(email);
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel("Новый пароль").fill("a brand new password");
  await page.getByRole("button", { name: "Сохранить пароль" }).click();
  await expect(page).toHaveURL(/\/account\?saved=reset/);
  await expect(page.getByTestId("account-saved")).toBeVisible();
  await expect(page.getByTestId("account-email")).toHaveText(email);

  // Used once: the same link now says so and offers a new one.
  await page.goto(link);
  await expect(page.getByRole("alert")).toContainText("Ссылка устарела");
  await expect(page.getByRole("link", { name: "Запросить новую ссылку" })).toBeVisible();
  allowHttpStatuses(consoleErrors, [410]);
});

test("the profile changes the password and the email, then deletes the account", async ({ page, consoleErrors }) => {
  const email = newEmail("profile");
  await signUp(page, email);
  await page.goto("/account");
  await hydrated(page);

  const password = page.getByRole("region", { name: "Сменить пароль" });
  await password.getByLabel("Текущий пароль").fill("wrong password");
  await password.getByLabel("Новый пароль").fill("another good password");
  await password.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(page.locator("#current_password-error")).toHaveText("Текущий пароль неверен");
  await password.getByLabel("Текущий пароль").fill(PASSWORD);
  await password.getByRole("button", { name: "Сменить пароль" }).click();
  await expect(page.getByTestId("account-saved")).toContainText("Пароль изменён");

  const changed = newEmail("moved");
  const emailForm = page.getByRole("region", { name: "Сменить email" });
  await emailForm.getByLabel("Новый email").fill(changed);
  await emailForm.getByLabel("Текущий пароль").fill("another good password");
  await emailForm.getByRole("button", { name: "Сменить email" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(changed);
  await expect(page.getByTestId("account-email")).toHaveText(changed);

  const remove = page.getByRole("region", { name: "Удалить аккаунт" });
  await remove.getByLabel("Текущий пароль").fill("another good password");
  await remove.getByRole("button", { name: "Удалить мой аккаунт" }).click();
  await expect(page.getByTestId("account-deleted")).toBeVisible();
  await expect(page.getByTestId("account-email")).toHaveCount(0);
  allowHttpStatuses(consoleErrors, [403]);
});
