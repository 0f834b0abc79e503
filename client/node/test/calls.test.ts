/** The parts of retries and fencing that need no server: options, typed errors. */
import assert from "node:assert/strict";
import { test } from "node:test";

import * as grpc from "@grpc/grpc-js";

import {
  FailedPreconditionError,
  LeaseLostError,
  NotFoundError,
  encodeStatus,
  fromServiceError,
} from "../src/index";
import { isServiceFailure } from "../src/errors";
import { DEFAULT_RETRY, channelOptions, resolveOptions, resolveRetry } from "../src/options";

function withReason(code: grpc.status, reason: string): grpc.Metadata {
  const trailers = new grpc.Metadata();
  trailers.set("grpc-status-details-bin", encodeStatus(code, "x", { reason, domain: "sibyl" }));
  return trailers;
}

test("retry options: defaults, overrides, and what is refused", () => {
  assert.deepEqual(resolveOptions("x:1").retry, {
    windowMs: 60_000,
    connectWindowMs: 10_000,
    initialBackoffMs: 100,
    maxBackoffMs: 2_000,
    backoffMultiplier: 2,
  });
  const client = resolveRetry({ windowMs: 5_000 });
  assert.deepEqual(client, { ...DEFAULT_RETRY, windowMs: 5_000 });
  const call = resolveRetry({ maxBackoffMs: 100, windowMs: undefined }, client);
  assert.deepEqual(call, { ...client, maxBackoffMs: 100 }, "a call's options go over the client's");
  assert.throws(() => resolveRetry({ windowMs: -1 }), RangeError);
  assert.throws(() => resolveRetry({ backoffMultiplier: 0.5 }), RangeError);
  const options = channelOptions(resolveOptions("x:1"));
  assert.ok((options["grpc.max_reconnect_backoff_ms"] as number) <= 2_000, "reconnects keep up");
});

test("LEASE_LOST is LeaseLostError, a FailedPreconditionError", () => {
  const lost = fromServiceError({
    code: grpc.status.FAILED_PRECONDITION,
    details: "trial moved",
    metadata: withReason(grpc.status.FAILED_PRECONDITION, "LEASE_LOST"),
  });
  assert.ok(lost instanceof LeaseLostError && lost instanceof FailedPreconditionError);
  assert.equal(lost.message, "LEASE_LOST: trial moved");
  const other = fromServiceError({
    code: grpc.status.NOT_FOUND,
    details: "odd",
    metadata: withReason(grpc.status.NOT_FOUND, "LEASE_LOST"),
  });
  assert.ok(other instanceof NotFoundError && !(other instanceof LeaseLostError), "code first");
  const local = new LeaseLostError("drop it");
  assert.deepEqual([local.reason, local.code], ["LEASE_LOST", grpc.status.FAILED_PRECONDITION]);
});

test("service failures: SibylErrors, not the caller's own errors", () => {
  assert.ok(isServiceFailure(new LeaseLostError("x")));
  // A raw grpc-js error is the caller's: a call to its own backend that failed.
  const raw = Object.assign(new Error("12 UNIMPLEMENTED"), {
    code: grpc.status.UNIMPLEMENTED,
    details: "feature.Store/Get",
    metadata: new grpc.Metadata(),
  });
  assert.ok(!isServiceFailure(raw));
  assert.ok(!isServiceFailure(new RangeError("CUDA out of memory")));
  assert.ok(!isServiceFailure(Object.assign(new Error("exit"), { code: 1 })));
  assert.ok(!isServiceFailure(undefined));
});
