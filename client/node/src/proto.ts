/**
 * The sibyl.v1 contract at run time: the service constructor and the message types,
 * loaded from the generated descriptor (no .proto file is read).
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import * as protobuf from "protobufjs";

import { descriptor } from "./generated/descriptor";
import type { ProtoGrpcType } from "./generated/study_service";
import type { ProtoGrpcType as TeamProtoGrpcType } from "./generated/team_service";
import type { StudyServiceDefinition } from "./generated/sibyl/v1/StudyService";
import type { TeamServiceDefinition } from "./generated/sibyl/v1/TeamService";

/**
 * How messages become JavaScript objects. scripts/generate.mjs passes the same
 * options to proto-loader-gen-types, so the generated types describe these objects:
 * int64 fields are decimal strings (exact beyond 2^53), enums are their names,
 * unset scalars have their defaults and each oneof names its set field.
 */
export const LOADER_OPTIONS = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** The fully qualified service name, as used in service configs and by tools. */
export const SERVICE_NAME = "sibyl.v1.StudyService";

/** The fully qualified name of the service of teams and their tokens. */
export const TEAM_SERVICE_NAME = "sibyl.v1.TeamService";

const contract = descriptor as protobuf.INamespace;
const packageDefinition = protoLoader.fromJSON(contract, LOADER_OPTIONS);

/** The loaded `sibyl.v1` package: `StudyService` and `TeamService` are grpc-js client constructors. */
export const sibylV1 = (
  grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType & TeamProtoGrpcType
).sibyl.v1;

/** The request object that method `M` of service definition `S` accepts. */
type ServiceRequest<S, M extends keyof S> =
  S[M] extends protoLoader.MethodDefinition<infer Request, any, any, any> ? Request : never;

/** The response object that method `M` of service definition `S` resolves to. */
type ServiceResponse<S, M extends keyof S> =
  S[M] extends protoLoader.MethodDefinition<any, any, any, infer Response> ? Response : never;

/** A StudyService RPC, e.g. "SuggestTrials". */
export type MethodName = keyof StudyServiceDefinition & string;

/** The request object a method accepts. */
export type RequestOf<M extends MethodName> = ServiceRequest<StudyServiceDefinition, M>;

/** The response object a method resolves to. */
export type ResponseOf<M extends MethodName> = ServiceResponse<StudyServiceDefinition, M>;

/** A TeamService RPC, e.g. "CreateToken". */
export type TeamMethodName = keyof TeamServiceDefinition & string;

/** The request object a TeamService method accepts. */
export type TeamRequestOf<M extends TeamMethodName> = ServiceRequest<TeamServiceDefinition, M>;

/** The response object a TeamService method resolves to. */
export type TeamResponseOf<M extends TeamMethodName> = ServiceResponse<TeamServiceDefinition, M>;

const root = protobuf.Root.fromJSON(contract);

/**
 * `value` (a request-shaped object of message `typeName`) as the server would send it
 * back: encoded, decoded and converted with LOADER_OPTIONS. Used to compare specs.
 */
export function normalized<T>(typeName: string, value: object): T {
  const type = root.lookupType(typeName);
  const decoded = type.decode(type.encode(type.fromObject(value)).finish());
  return type.toObject(decoded, LOADER_OPTIONS) as T;
}

/**
 * `seconds` (finite, not negative) as a google.protobuf.Duration: whole nanoseconds,
 * carried into the seconds (a fraction that rounds to 1e9 nanoseconds is an invalid
 * Duration, which the server refuses).
 */
export function durationOf(seconds: number): { seconds: number; nanos: number } {
  const nanoseconds = Math.round(seconds * 1e9);
  const whole = Math.floor(nanoseconds / 1e9);
  return { seconds: whole, nanos: nanoseconds - whole * 1e9 };
}
