import { test as base, expect, type Page } from "@playwright/test";

/** Console errors and uncaught exceptions of the page; every test ends with none. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await use(errors);
      expect(errors, "console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
export type { Page };

/**
 * Removes the browser's "Failed to load resource" reports for HTTP statuses the test expects
 * (a 401 for a wrong password is the right answer, not an error of the page).
 */
export function allowHttpStatuses(errors: string[], statuses: number[]): void {
  const expected = (e: string) =>
    statuses.some((status) => e.startsWith(`Failed to load resource: the server responded with a status of ${status} `));
  errors.splice(0, errors.length, ...errors.filter((e) => !expected(e)));
}

/** Waits until the wasm bundle has hydrated the page (the app marks <body> then). */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** The local date `days` from today as YYYY-MM-DD, as a date input holds it. */
export function dateIn(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** maildev's REST API: the real SMTP server the app sends to during the browser tests. */
const mailApi = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? "1180"}`;

export interface Email {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

/** Waits (up to 20 s) for the email with `subject` sent to `address`, and returns it. */
export async function emailTo(address: string, subject: string): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(
      async () => {
        const response = await fetch(`${mailApi}/email`);
        const emails = (await response.json()) as Email[];
        found = emails.find((email) => email.subject === subject && email.to.some((to) => to.address === address));
        return found !== undefined;
      },
      { timeout: 20_000, message: `an email "${subject}" to ${address}` },
    )
    .toBe(true);
  return found as Email;
}

/** A fresh address per run, so the tests never depend on one another. */
export function newEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** The path (with its token) of the reset link emailed to `address`. */
export async function resetLinkFor(address: string): Promise<string> {
  const email = await emailTo(address, "Смена пароля");
  const match = email.text.match(/https?:\/\/[^/\s]+(\/reset-password\?token=[\w.]+)/);
  expect(match, email.text).not.toBeNull();
  return (match as RegExpMatchArray)[1];
}

/** Asks for a reset of `address`'s password on the "forgot password" page. */
export async function askForReset(page: Page, address: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("link", { name: "Забыли пароль?" }).click();
  await expect(page).toHaveURL(/\/forgot-password/);
  await page.getByLabel("Электронная почта").fill(address);
  await page.getByRole("button", { name: "Отправить ссылку" }).click();
  await expect(page.getByTestId("reset-sent")).toBeVisible();
}
