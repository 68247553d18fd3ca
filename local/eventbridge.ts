/**
 * A local EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE) for the offline stack: answers PutEvents
 * (JSON 1.1, X-Amz-Target AWSEvents.PutEvents) and delivers every entry to a sink — `npm start` prints it,
 * tests read `events`. Matching the stack's example rule (source polaris.orchestrator, detail-type
 * HumanEscalationRequested) is what the printed line shows; there is no SNS offline.
 *
 * `failNext(n, mode)` makes the next n calls fail (HTTP 500 or a FailedEntryCount answer), so tests can
 * prove that a failed publish is retried and never loses the committed turn.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { close, listen, readBody, sendJson } from './http-util.js';

/** One event as the bus received it. */
export interface LocalEvent {
  id: string;
  eventBusName: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time: string;
}

export interface LocalEventBridge {
  endpoint: string;
  /** Every event received, oldest first. */
  events: LocalEvent[];
  /** PutEvents calls received (including failed ones). */
  calls: number;
  /** The next `count` PutEvents calls fail: 'http' → 500 InternalException, 'entry' → FailedEntryCount 1. */
  failNext(count: number, mode?: 'http' | 'entry'): void;
  stop(): Promise<void>;
}

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number | string;
}

export async function startLocalEventBridge(options: {
  host?: string;
  port?: number;
  onEvent?: (event: LocalEvent) => void;
} = {}): Promise<LocalEventBridge> {
  const events: LocalEvent[] = [];
  let failures = 0;
  let failMode: 'http' | 'entry' = 'http';
  const state = { calls: 0 };
  const server = http.createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = (await readBody(req)).toString('utf8');
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        sendJson(res, 400, { __type: 'UnknownOperationException', message: `local EventBridge supports PutEvents only (got ${target || req.method})` });
        return;
      }
      state.calls += 1;
      let entries: PutEventsEntry[];
      try {
        entries = (JSON.parse(body) as { Entries?: PutEventsEntry[] }).Entries ?? [];
      } catch {
        sendJson(res, 400, { __type: 'ValidationException', message: 'body is not JSON' });
        return;
      }
      if (failures > 0) {
        failures -= 1;
        if (failMode === 'http') {
          sendJson(res, 500, { __type: 'InternalException', message: 'local EventBridge: injected failure' });
        } else {
          sendJson(res, 200, { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'injected' })) });
        }
        return;
      }
      const out = entries.map((e) => {
        const event: LocalEvent = {
          id: randomUUID(),
          eventBusName: e.EventBusName ?? 'default',
          source: e.Source ?? '',
          detailType: e.DetailType ?? '',
          detail: JSON.parse(e.Detail ?? '{}') as Record<string, unknown>,
          time: typeof e.Time === 'number' ? new Date(e.Time * 1000).toISOString() : (e.Time ?? new Date().toISOString()),
        };
        events.push(event);
        options.onEvent?.(event);
        return { EventId: event.id };
      });
      sendJson(res, 200, { FailedEntryCount: 0, Entries: out }, { 'content-type': 'application/x-amz-json-1.1' });
    })().catch(() => sendJson(res, 500, { __type: 'InternalException', message: 'local EventBridge error' }));
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    events,
    get calls() {
      return state.calls;
    },
    failNext(count, mode = 'http') {
      failures = count;
      failMode = mode;
    },
    stop: () => close(server),
  };
}

/** One line for the console: ids, category, severity — the event never carries the patient's text. */
export function formatEvent(e: LocalEvent): string {
  const d = e.detail;
  return `[events] ${e.source} ${e.detailType} ${String(d.kind ?? '')} conversation=${String(d.conversation_id ?? '')} turn=${String(d.turn ?? '')} ${String(d.category ?? '')}/${String(d.severity ?? '')} (${String(d.source ?? '')})`;
}
