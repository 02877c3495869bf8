/** What /healthz reports about Slack; null means fine. */
export interface SlackHealth {
  leadersChannelError: string | null;
  /** Set while our token or app is refused; every delivery is waiting on it. */
  tokenError: string | null;
}
