/** What the test files share: a real server for the file, cleanups after each test, ids, rejections. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, afterEach, before } from "node:test";

import { categorical, connect, discrete, double, integer, metric } from "../../src/index";
import type { Client, ConnectOptions, ParameterDefinition, StudySpec } from "../../src/index";
import { SibylServer } from "./sibylServer";

/**
 * One parameter and one metric, suggested by random search: for the tests of the calls
 * and their failures rather than of the optimizer.
 */
export const RANDOM_SPEC: StudySpec = {
  parameters: [double("x", 0, 1)],
  metrics: [metric("loss")],
  algorithm: "random_search",
};

/** One parameter of each kind and one objective, made with the builders. */
export const FOUR_KINDS: StudySpec = {
  parameters: [
    double("lr", 1e-4, 0.1, "log"),
    integer("layers", 1, 4),
    discrete("batch", [64, 16, 32]),
    categorical("optimizer", ["sgd", "adam"]),
  ],
  metrics: [metric("accuracy", "maximize")],
};

/** FOUR_KINDS as plain data: the same spec. */
export const FOUR_KINDS_AS_DATA: StudySpec = {
  parameters: {
    lr: { type: "double", low: 1e-4, high: 0.1, scale: "log" },
    layers: { type: "integer", low: 1, high: 4 },
    batch: [64, 16, 32],
    optimizer: ["sgd", "adam"],
  },
  metrics: { accuracy: "maximize" },
};

/** An optimizer's choice and a momentum that exists only for SGD, as plain data. */
export const OPTIMIZER_WITH_MOMENTUM: Readonly<Record<string, ParameterDefinition>> = {
  optimizer: ["sgd", "adam"],
  momentum: { type: "double", low: 0, high: 0.99, when: { parent: "optimizer", values: ["sgd"] } },
};

/** A server started for a test file and a client of it. */
export interface Started {
  readonly server: SibylServer;
  readonly client: Client;
}

/**
 * Starts a server before the file's tests and stops it after them. `use` receives it
 * once it is up (tests read it after `before`).
 */
export function serverForFile(use: (server: SibylServer) => void): void {
  let started: SibylServer | undefined;
  before(async () => {
    started = await SibylServer.start();
    use(started);
  });
  after(async () => {
    await started?.stop();
  });
}

/** As `serverForFile`, with a client connected with `options` (closed first). */
export function serveFile(options: ConnectOptions, use: (started: Started) => void): void {
  let client: Client | undefined;
  after(() => client?.close());
  serverForFile((server) => {
    client = connect(server.address, options);
    use({ server, client });
  });
}

/**
 * Registers the cleanups of the file's tests: each one added during a test runs after
 * it, the last added first (clients close before the servers they talk to stop).
 */
export function cleanupsAfterEach(): (cleanup: () => unknown) => void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** A study id no other test uses: `prefix` and 16 random hex digits. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}
