/**
 * EscalationPublisher on Amazon EventBridge (PutEvents on the escalation bus, ESCALATION_BUS_NAME; endpoint
 * from AWS_ENDPOINT_URL_EVENTBRIDGE offline). The SDK retries throttling and network errors itself; on top,
 * an entry EventBridge reports as failed (FailedEntryCount) or a call that still throws is retried with
 * exponential backoff. When every attempt fails the failure is reported through `onFailure` (the handler
 * emits the alarm-able `EscalationPublishFailed` metric) and the call resolves: the turn is already
 * committed and its reply must not be lost.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import type { EscalationEvent, EscalationPublisher } from '../core/safety/escalation-event.js';

/** The one call the publisher makes (an EventBridgeClient satisfies it; tests pass a stand-in). */
export interface PutEventsClient {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

export interface EventBridgeEscalationPublisherOptions {
  busName: string;
  client?: PutEventsClient;
  /** Attempts in total (default 3). */
  attempts?: number;
  /** First backoff in ms, doubled each retry (default 100). */
  backoffMs?: number;
  /** Called once when every attempt failed (ids and error names only). */
  onFailure?: (info: { conversation_id: string; attempts: number; error: string }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export class EventBridgeEscalationPublisher implements EscalationPublisher {
  private readonly client: PutEventsClient;

  constructor(private readonly options: EventBridgeEscalationPublisherOptions) {
    this.client = options.client ?? new EventBridgeClient({});
  }

  async publish(event: EscalationEvent): Promise<{ published: boolean; attempts: number }> {
    const attempts = Math.max(1, this.options.attempts ?? 3);
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let error = 'unknown';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const out = await this.client.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: this.options.busName,
                Source: event.source,
                DetailType: event.detailType,
                Detail: JSON.stringify(event.detail),
                Time: new Date(event.detail.escalated_at),
              },
            ],
          }),
        );
        if ((out.FailedEntryCount ?? 0) === 0) return { published: true, attempts: attempt };
        error = out.Entries?.[0]?.ErrorCode ?? 'FailedEntry';
      } catch (err) {
        error = err instanceof Error ? err.name : 'unknown';
      }
      if (attempt < attempts) await sleep((this.options.backoffMs ?? 100) * 2 ** (attempt - 1));
    }
    try {
      this.options.onFailure?.({ conversation_id: event.detail.conversation_id, attempts, error });
    } catch {
      // Reporting must not fail the committed turn either.
    }
    return { published: false, attempts };
  }
}
