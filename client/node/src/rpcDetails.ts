/**
 * Decodes the google.rpc error details a Sibyl server sends, with protobuf.js alone.
 *
 * The server attaches a google.rpc.Status (with ErrorInfo and BadRequest details) to
 * every error, in the `grpc-status-details-bin` trailer. The messages are declared
 * here in a private protobuf.js root, by field number only, so the client needs no
 * Google package and never clashes with one loaded by the application.
 */
import type { Metadata } from "@grpc/grpc-js";
import * as protobuf from "protobufjs";

/** The trailer that carries the serialized google.rpc.Status. */
export const DETAILS_KEY = "grpc-status-details-bin";
const ERROR_INFO_URL = "type.googleapis.com/google.rpc.ErrorInfo";
const BAD_REQUEST_URL = "type.googleapis.com/google.rpc.BadRequest";

const root = protobuf.Root.fromJSON(<protobuf.INamespace>{
  nested: {
    rpc: {
      nested: {
        // google.protobuf.Any under another name, so protobuf.js does not unpack it.
        AnyLike: {
          fields: { typeUrl: { type: "string", id: 1 }, value: { type: "bytes", id: 2 } },
        },
        Status: {
          fields: {
            code: { type: "int32", id: 1 },
            message: { type: "string", id: 2 },
            details: { rule: "repeated", type: "AnyLike", id: 3 },
          },
        },
        ErrorInfo: {
          fields: {
            reason: { type: "string", id: 1 },
            domain: { type: "string", id: 2 },
            metadata: { keyType: "string", type: "string", id: 3 },
          },
        },
        BadRequest: {
          fields: { fieldViolations: { rule: "repeated", type: "FieldViolation", id: 1 } },
          nested: {
            FieldViolation: {
              fields: {
                field: { type: "string", id: 1 },
                description: { type: "string", id: 2 },
              },
            },
          },
        },
      },
    },
  },
});
const Status = root.lookupType("rpc.Status");
const ErrorInfo = root.lookupType("rpc.ErrorInfo");
const BadRequest = root.lookupType("rpc.BadRequest");

/** A request field the server rejected, and why. */
export interface FieldViolation {
  /** Path of the field in the request, e.g. `study.spec.parameters[0].name`. */
  readonly field: string;
  /** What is wrong with it. */
  readonly description: string;
}

/** What a server error says beyond its code and message. */
export interface ErrorDetails {
  /** The UPPER_SNAKE reason of the ErrorInfo, e.g. "STUDY_NOT_FOUND"; "" if none. */
  readonly reason: string;
  /** The ErrorInfo domain: "sibyl" for errors of the Sibyl server; "" if none. */
  readonly domain: string;
  /** The ErrorInfo metadata, e.g. `{ state: "COMPLETED" }`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The BadRequest field violations, in the order sent. */
  readonly fieldViolations: readonly FieldViolation[];
}

/** Details of an error that carried none. */
export const NO_DETAILS: ErrorDetails = Object.freeze({
  reason: "",
  domain: "",
  metadata: Object.freeze({}),
  fieldViolations: Object.freeze([]),
});

interface AnyLike {
  typeUrl: string;
  value: Uint8Array;
}

/**
 * Whether a failed call's trailing metadata carries a google.rpc.Status: a Sibyl
 * server sends one with every error, gRPC's own errors (e.g. a refused connection)
 * none, so it tells that the server itself answered.
 */
export function carriesDetails(trailers: Metadata | undefined): boolean {
  return (trailers?.get(DETAILS_KEY).length ?? 0) > 0;
}

/** Reads ErrorInfo and BadRequest from a call's trailing metadata, if present. */
export function decodeDetails(trailers: Metadata | undefined): ErrorDetails {
  const raw = trailers?.get(DETAILS_KEY)[0];
  if (!(raw instanceof Uint8Array)) {
    return NO_DETAILS;
  }
  return decodeStatusDetails(raw);
}

/** The details of a serialized google.rpc.Status; NO_DETAILS if it does not parse. */
export function decodeStatusDetails(status: Uint8Array): ErrorDetails {
  try {
    const decoded = Status.toObject(Status.decode(status), { arrays: true });
    return collect(decoded.details as AnyLike[]);
  } catch {
    return NO_DETAILS;
  }
}

function collect(details: AnyLike[]): ErrorDetails {
  let info = { reason: "", domain: "", metadata: {} as Record<string, string> };
  const violations: FieldViolation[] = [];
  for (const item of details) {
    if (item.typeUrl === ERROR_INFO_URL) {
      const decoded = ErrorInfo.toObject(ErrorInfo.decode(item.value), { defaults: true });
      info = { reason: decoded.reason, domain: decoded.domain, metadata: { ...decoded.metadata } };
    } else if (item.typeUrl === BAD_REQUEST_URL) {
      const decoded = BadRequest.toObject(BadRequest.decode(item.value), { arrays: true });
      for (const violation of decoded.fieldViolations as FieldViolation[]) {
        violations.push({
          field: violation.field ?? "",
          description: violation.description ?? "",
        });
      }
    }
  }
  return { ...info, fieldViolations: violations };
}

/** A serialized google.rpc.Status with these details: for tests and fake servers. */
export function encodeStatus(
  code: number,
  message: string,
  details: Partial<ErrorDetails>,
): Buffer {
  const packed: AnyLike[] = [];
  if (details.reason !== undefined) {
    const info = ErrorInfo.fromObject({
      reason: details.reason,
      domain: details.domain ?? "",
      metadata: details.metadata ?? {},
    });
    packed.push({ typeUrl: ERROR_INFO_URL, value: ErrorInfo.encode(info).finish() });
  }
  if (details.fieldViolations?.length) {
    const bad = BadRequest.fromObject({ fieldViolations: details.fieldViolations });
    packed.push({ typeUrl: BAD_REQUEST_URL, value: BadRequest.encode(bad).finish() });
  }
  const status = Status.fromObject({ code, message, details: packed });
  return Buffer.from(Status.encode(status).finish());
}
