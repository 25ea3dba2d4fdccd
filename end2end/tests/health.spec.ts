import { expect, test } from "@playwright/test";

test("/health reports the database and Redis", async ({ request }) => {
  const response = await request.get("/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: "up", redis: "up" });
});
