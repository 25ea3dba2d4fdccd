import type { Reporter, TestCase, TestResult } from "@playwright/test/reporter";

/**
 * Repeats each failure's errors, briefly, as the run's last lines: CI keeps only the tail of the
 * output, where the list reporter leaves code frames and trace hints, not what went wrong.
 */
export default class FailureSummary implements Reporter {
  private failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === "passed" || result.status === "skipped") return;
    const errors = result.errors.map((error) => plain(error.message ?? error.value ?? "")).join(" | ");
    this.failures.push(`${test.titlePath().slice(1).join(" › ")}: ${errors.slice(0, 1200)}`);
  }

  onEnd(): void {
    if (this.failures.length === 0) return;
    console.log(`\nFailures in short (${this.failures.length}):`);
    for (const failure of this.failures) console.log(`- ${failure}`);
  }
}

/** One line without terminal colours. */
function plain(text: string): string {
  return text
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
