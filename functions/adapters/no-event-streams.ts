/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (esbuild alias, lib/constructs/function.ts).
 * Only operations that stream events (e.g. Lambda InvokeWithResponseStream) use it; our functions call none,
 * and it would add ~15 KB to every bundle. A client is still constructed as usual (its config passes through
 * unchanged); an event-stream operation fails loudly.
 */
function unavailable(): never {
  throw new Error('event-stream operations are not bundled in this function (see functions/adapters/no-event-streams.ts)');
}

/** The client config resolver: no event-stream marshaller (nothing here streams events). */
export const resolveEventStreamSerdeConfig = <T>(input: T): T => input;
export const eventStreamSerdeProvider = unavailable;
export class EventStreamSerde {
  constructor() {
    unavailable();
  }
}
