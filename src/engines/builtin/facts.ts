/** A parsed tool result together with the call it came from, so every finding can cite that call. */
export interface Cited<T> {
  value: T;
  callId: string;
}

export interface ErrorRate {
  service: string;
  metric: string;
  status: 'ok' | 'elevated' | 'critical';
  ratio: number | null;
  baseline: number | null;
  current: number | null;
}
