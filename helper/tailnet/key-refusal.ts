/**
 * Whether Headscale's word on the node means its key was refused (Headscale 0.29's answers to a
 * registration: "invalid pre auth key", "authkey expired", "authkey already used", "node exists
 * with a different machine key"), rather than Headscale failing ("sql: database is closed").
 */
export function isKeyRefusal(message: string): boolean {
  return /pre auth key|authkey|machine key/i.test(message);
}
