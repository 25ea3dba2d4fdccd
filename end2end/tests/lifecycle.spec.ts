import { dateIn, emailTo, expect, hydrated, test } from "./fixtures";

const PASSWORD = "correct horse battery";

/** A date as the English pages write it: "5 Dec 2026". */
function english(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ")[m - 1]} ${y}`;
}

test.use({ locale: "en-US" });

// After booking, in English: the terms before confirming, the manage link from the email
// opened signed out, a change of dates with its price difference, and the "changed" email.
test("a guest books in English, opens the manage link signed out and changes the dates", async ({ page, browser }) => {
  const email = `lifecycle-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const [from, to, newTo] = [dateIn(40), dateIn(42), dateIn(43)];

  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("textbox", { name: /^Password/ }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).not.toHaveURL(/\/register/);

  // Bridge Resort cancels free until three days before check-in, at 14:00 its time.
  await page.goto(`/book?room_id=11&date_from=${from}&date_to=${to}`);
  await hydrated(page);
  await expect(page.getByTestId("cancellation-terms")).toHaveText(
    `Free cancellation until ${english(dateIn(37))}, 14:00 (hotel time)`,
  );
  await page.getByLabel("Name of the guest staying").fill("Ann Petrova");
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await expect(page).toHaveURL(/\/bookings\?booked=\d+/);

  const confirmation = await emailTo(email, "Booking confirmed");
  expect(confirmation.text).toContain("Free cancellation until");
  const link = confirmation.text.match(/Manage this booking: (\S+)/)?.[1] ?? "";
  expect(link).toMatch(/\/manage\/\d+\.\d+\.[0-9a-f]{32}$/);

  // Signed out, in a browser of its own.
  const stranger = await browser.newContext({ locale: "en-US" });
  const other = await stranger.newPage();
  await other.goto(link);
  await hydrated(other);
  await expect(other.getByTestId("account-email")).toHaveCount(0);
  const card = other.getByTestId("booking-card");
  await expect(card.getByTestId("booking-dates")).toHaveText(`${english(from)} — ${english(to)}`);

  await other.getByTestId("change-to").fill(newTo);
  await other.getByTestId("change-check").click();
  await expect(other.getByTestId("change-difference")).toHaveText(/You will pay .* more/);
  await other.getByTestId("change-offer").getByRole("button").click();
  await expect(other.getByTestId("notice")).toBeVisible();
  await expect(other.getByTestId("booking-card").getByTestId("booking-dates")).toHaveText(
    `${english(from)} — ${english(newTo)}`,
  );
  // The page fits a 320 px phone.
  await other.setViewportSize({ width: 320, height: 640 });
  const overflow = await other.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await stranger.close();

  const changed = await emailTo(email, "Booking changed");
  expect(changed.text).toContain("now from");
});
