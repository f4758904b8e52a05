/** Published when a relay credential is revoked, so every node ends the feeds it opened at once. */
export const relayCredentialsChannel = (prefix: string) => `${prefix}:relay-credentials`;
