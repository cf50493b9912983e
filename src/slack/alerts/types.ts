/** A bot/integration message reduced to the parts alert parsers read. */
export interface AlertMessage {
  /** Every piece of text in order: message text, attachment titles/texts/fields/footers, block texts. */
  text: string;
  /** The first attachment or header title, where the integration put one. */
  title?: string;
  /** Attachment fields and section fields as title/value pairs. */
  fields: { title: string; value: string }[];
  /** Bot name, username, attachment footer: hints of which integration sent it. */
  senderHints: string;
}

export type AlertStatus = 'firing' | 'resolved' | 'other';

export interface ParsedAlert {
  source: 'alertmanager' | 'grafana' | 'datadog' | 'pagerduty' | 'generic';
  status: AlertStatus;
  /** The headline as the integration wrote it. */
  title: string;
  alertName: string;
  labels: Record<string, string>;
  /** Free text (descriptions, annotations) for the engine; not part of the fingerprint. */
  details: string;
}

export interface AlertParser {
  readonly source: ParsedAlert['source'];
  /** Undefined when the message is not from this source. */
  parse(message: AlertMessage): ParsedAlert | undefined;
}
