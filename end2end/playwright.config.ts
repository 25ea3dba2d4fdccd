import { defineConfig } from "@playwright/test";

// `make test` sets these (see Makefile: E2E_ENV); the defaults let `npx playwright test` run by hand
// against a server that is already up.
const port = process.env.E2E_PORT ?? "3100";
const serverBin = process.env.SERVER_BIN;
const baseURL = `http://127.0.0.1:${port}`;
// A second server process on the same database and Redis (tests/live.spec.ts).
const secondPort = process.env.E2E_SECOND_PORT ?? String(Number(port) + 1);
const secondURL = `http://127.0.0.1:${secondPort}`;
// maildev (npm): the real SMTP server the app sends to in the browser tests, read via its API.
const mailApi = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? "1180"}`;
const smtpPort = process.env.SMTP_PORT ?? "1125";
// The admin the pictures test signs in as (tests/pictures.spec.ts reads the same variable).
const adminPassword = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  // The summary repeats the failures at the end, where CI's log tail shows them.
  reporter: [["list"], ["./failure-summary.ts"]],
  use: {
    baseURL,
    // The original's users read Russian; Chromium would send en-US otherwise.
    locale: "ru-RU",
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not possible here.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "hydrated", testIgnore: /\.nojs\.spec\.ts$/ },
    { name: "no-javascript", testMatch: /\.nojs\.spec\.ts$/, use: { javaScriptEnabled: false } },
  ],
  webServer: serverBin
    ? [
        {
          command: `npx maildev --ip 127.0.0.1 --smtp ${smtpPort} --web ${new URL(mailApi).port} --silent`,
          url: `${mailApi}/email`,
          reuseExistingServer: false,
          timeout: 60_000,
        },
        {
          // A fresh database with the demo data and an admin, then the release server (and its
          // worker) built by `make test`.
          command:
            `"${serverBin}" db reset && ` +
            `ADMIN_PASSWORD="${adminPassword}" "${serverBin}" create-admin admin@example.com && ` +
            `exec "${serverBin}"`,
          cwd: "..",
          url: `${baseURL}/health`,
          reuseExistingServer: false,
          timeout: 120_000,
          stdout: "pipe",
          stderr: "pipe",
        },
        {
          // Started once the first is up (its migrations and demo data are in place), on the
          // same database, Redis prefix and mail server: another process of the same site.
          command:
            `until "${serverBin}" healthcheck >/dev/null 2>&1; do sleep 0.5; done && ` +
            `LEPTOS_SITE_ADDR=127.0.0.1:${secondPort} APP_URL=${secondURL} DEMO_DATA=false exec "${serverBin}"`,
          cwd: "..",
          url: `${secondURL}/health`,
          reuseExistingServer: false,
          timeout: 180_000,
          stdout: "pipe",
          stderr: "pipe",
        },
      ]
    : undefined,
});
