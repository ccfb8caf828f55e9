/**
 * Values typed after a command's name in Raycast's root search (the manifest's "arguments", all
 * optional). Typed here rather than through the generated Arguments namespace, and optional,
 * because another command or a test may render the command with no launch props at all.
 */
export interface WithArguments<A extends Record<string, string>> {
  arguments?: Partial<A>;
}

/** An argument's trimmed value; undefined when it was left empty (Raycast then passes ""). */
export function argument<A extends Record<string, string>>(props: WithArguments<A>, name: keyof A): string | undefined {
  return props.arguments?.[name]?.trim() || undefined;
}
