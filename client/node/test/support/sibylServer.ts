/**
 * A real Sibyl server for the tests: `python -m sibyl_server` on a fresh SQLite file
 * and a free loopback port (or a chosen one), exactly as an operator would start it
 * (extra flags, e.g. `--auth token`, as `start({ args })`; operator commands with `admin`).
 *
 * The interpreter is $SIBYL_PYTHON (default `python3`); it must have the server
 * installed (`pip install 'sibyl[server]'`).
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const PYTHON = process.env.SIBYL_PYTHON || "python3";

export interface StartOptions {
  /** Extra flags of `python -m sibyl_server`, e.g. ["--auth", "token"]. */
  readonly args?: readonly string[];
  /** The loopback port to listen on, e.g. from `freePort()`. Default: one the server picks. */
  readonly port?: number;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class SibylServer {
  private constructor(
    /** host:port the server listens on. */
    readonly address: string,
    /** The database URL, for `admin` commands. */
    readonly store: string,
    private readonly process: ChildProcess,
    private readonly directory: string,
  ) {}

  /** Starts a server and resolves once it serves (its port file is written). */
  static async start(options: StartOptions = {}): Promise<SibylServer> {
    const directory = mkdtempSync(join(tmpdir(), "sibyl-node-test-"));
    const portFile = join(directory, "port");
    const logPath = join(directory, "server.log");
    const log = openSync(logPath, "w");
    const store = `sqlite:///${join(directory, "sibyl.db")}`;
    const args = ["-m", "sibyl_server", "--address", `127.0.0.1:${options.port ?? 0}`];
    // No balancer watches a test server's health: SIGTERM need not wait for one.
    args.push("--store", store, "--port-file", portFile, "--shutdown-delay-seconds", "0");
    args.push(...(options.args ?? []));
    const child = spawn(PYTHON, args, { stdio: ["ignore", log, log] });
    closeSync(log);
    const killOnExit = (): void => void child.kill("SIGKILL");
    process.once("exit", killOnExit);
    child.once("exit", () => process.removeListener("exit", killOnExit));
    try {
      const port = await waitForPort(child, portFile, logPath);
      return new SibylServer(`127.0.0.1:${port}`, store, child, directory);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true }); // the error quotes the log
      throw error;
    }
  }

  /**
   * Runs an operator command on the server's database (`sibyl admin --store URL ...`)
   * and resolves with what it printed.
   */
  async admin(...args: string[]): Promise<string> {
    const script = "import sys; from sibyl_server.admin import main; sys.exit(main(sys.argv[1:]))";
    const { stdout } = await promisify(execFile)(PYTHON, [
      "-c",
      script,
      "--store",
      this.store,
      ...args,
    ]);
    return stdout;
  }

  /** Creates a team with `sibyl admin create-team` and resolves with its admin token's secret. */
  async createTeam(team: string): Promise<string> {
    const printed = await this.admin("create-team", team);
    const secret = /\(shown once\): (\S+)/.exec(printed)?.[1];
    if (!secret) {
      throw new Error(`create-team printed no secret:\n${printed}`);
    }
    return secret;
  }

  /** SIGTERM, waits for the graceful exit (SIGKILL after 15 s), and removes the files. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once("exit", resolve));
      this.process.kill("SIGTERM");
      const timer = setTimeout(() => this.process.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}

async function waitForPort(
  child: ChildProcess,
  portFile: string,
  logPath: string,
): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let failure: Error | undefined;
  child.once("error", (error) => (failure = error));
  while (!existsSync(portFile)) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (failure || exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      const why = failure ? String(failure) : exited ? "it exited" : "timed out";
      throw new Error(`sibyl_server did not start (${why}):\n${readFileSync(logPath, "utf8")}`);
    }
    await sleep(50);
  }
  return Number(readFileSync(portFile, "utf8").trim());
}
