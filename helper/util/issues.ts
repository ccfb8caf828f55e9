import type { z } from "zod";

/**
 * A validation failure as one line, each problem with the field it concerns: zod's own message is
 * a multi-line JSON dump, and its "received undefined" means a field that is missing.
 */
export function describeIssues(error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const field = issue.path.join(".") || "value";
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return `${field} is missing`;
    return `${field}: ${issue.message.replace(/^Invalid input: /, "")}`;
  });
  return problems.join("; ") || "it does not have the expected shape";
}
