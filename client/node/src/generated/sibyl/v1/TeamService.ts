// Original file: ../../proto/sibyl/v1/team_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateTokenRequest as _sibyl_v1_CreateTokenRequest, CreateTokenRequest__Output as _sibyl_v1_CreateTokenRequest__Output } from '../../sibyl/v1/CreateTokenRequest';
import type { CreateTokenResponse as _sibyl_v1_CreateTokenResponse, CreateTokenResponse__Output as _sibyl_v1_CreateTokenResponse__Output } from '../../sibyl/v1/CreateTokenResponse';
import type { GetTeamRequest as _sibyl_v1_GetTeamRequest, GetTeamRequest__Output as _sibyl_v1_GetTeamRequest__Output } from '../../sibyl/v1/GetTeamRequest';
import type { GetTeamResponse as _sibyl_v1_GetTeamResponse, GetTeamResponse__Output as _sibyl_v1_GetTeamResponse__Output } from '../../sibyl/v1/GetTeamResponse';
import type { ListTokensRequest as _sibyl_v1_ListTokensRequest, ListTokensRequest__Output as _sibyl_v1_ListTokensRequest__Output } from '../../sibyl/v1/ListTokensRequest';
import type { ListTokensResponse as _sibyl_v1_ListTokensResponse, ListTokensResponse__Output as _sibyl_v1_ListTokensResponse__Output } from '../../sibyl/v1/ListTokensResponse';
import type { RevokeTokenRequest as _sibyl_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _sibyl_v1_RevokeTokenRequest__Output } from '../../sibyl/v1/RevokeTokenRequest';
import type { RevokeTokenResponse as _sibyl_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _sibyl_v1_RevokeTokenResponse__Output } from '../../sibyl/v1/RevokeTokenResponse';

/**
 * Reads a team and manages its tokens.
 */
export interface TeamServiceClient extends grpc.Client {
  /**
   * Creates a token for the team and returns its secret, which is shown only
   * here. Safe to retry with the same `request_id`. Role: admin.
   */
  CreateToken(argument: _sibyl_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _sibyl_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _sibyl_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _sibyl_v1_CreateTokenRequest, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a token for the team and returns its secret, which is shown only
   * here. Safe to retry with the same `request_id`. Role: admin.
   */
  createToken(argument: _sibyl_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _sibyl_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _sibyl_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _sibyl_v1_CreateTokenRequest, callback: grpc.requestCallback<_sibyl_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns the caller's team with its quotas. Role: reader.
   */
  GetTeam(argument: _sibyl_v1_GetTeamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  GetTeam(argument: _sibyl_v1_GetTeamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  GetTeam(argument: _sibyl_v1_GetTeamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  GetTeam(argument: _sibyl_v1_GetTeamRequest, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns the caller's team with its quotas. Role: reader.
   */
  getTeam(argument: _sibyl_v1_GetTeamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  getTeam(argument: _sibyl_v1_GetTeamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  getTeam(argument: _sibyl_v1_GetTeamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  getTeam(argument: _sibyl_v1_GetTeamRequest, callback: grpc.requestCallback<_sibyl_v1_GetTeamResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the team's tokens (never their secrets), oldest first. Role: admin.
   */
  ListTokens(argument: _sibyl_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _sibyl_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _sibyl_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _sibyl_v1_ListTokensRequest, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the team's tokens (never their secrets), oldest first. Role: admin.
   */
  listTokens(argument: _sibyl_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _sibyl_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _sibyl_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _sibyl_v1_ListTokensRequest, callback: grpc.requestCallback<_sibyl_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Revokes a token: calls with it fail with UNAUTHENTICATED from then on.
   * Revoking a revoked token returns it unchanged. Role: admin.
   */
  RevokeToken(argument: _sibyl_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _sibyl_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _sibyl_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _sibyl_v1_RevokeTokenRequest, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Revokes a token: calls with it fail with UNAUTHENTICATED from then on.
   * Revoking a revoked token returns it unchanged. Role: admin.
   */
  revokeToken(argument: _sibyl_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _sibyl_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _sibyl_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _sibyl_v1_RevokeTokenRequest, callback: grpc.requestCallback<_sibyl_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Reads a team and manages its tokens.
 */
export interface TeamServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates a token for the team and returns its secret, which is shown only
   * here. Safe to retry with the same `request_id`. Role: admin.
   */
  CreateToken: grpc.handleUnaryCall<_sibyl_v1_CreateTokenRequest__Output, _sibyl_v1_CreateTokenResponse>;
  
  /**
   * Returns the caller's team with its quotas. Role: reader.
   */
  GetTeam: grpc.handleUnaryCall<_sibyl_v1_GetTeamRequest__Output, _sibyl_v1_GetTeamResponse>;
  
  /**
   * Lists the team's tokens (never their secrets), oldest first. Role: admin.
   */
  ListTokens: grpc.handleUnaryCall<_sibyl_v1_ListTokensRequest__Output, _sibyl_v1_ListTokensResponse>;
  
  /**
   * Revokes a token: calls with it fail with UNAUTHENTICATED from then on.
   * Revoking a revoked token returns it unchanged. Role: admin.
   */
  RevokeToken: grpc.handleUnaryCall<_sibyl_v1_RevokeTokenRequest__Output, _sibyl_v1_RevokeTokenResponse>;
  
}

export interface TeamServiceDefinition extends grpc.ServiceDefinition {
  CreateToken: MethodDefinition<_sibyl_v1_CreateTokenRequest, _sibyl_v1_CreateTokenResponse, _sibyl_v1_CreateTokenRequest__Output, _sibyl_v1_CreateTokenResponse__Output>
  GetTeam: MethodDefinition<_sibyl_v1_GetTeamRequest, _sibyl_v1_GetTeamResponse, _sibyl_v1_GetTeamRequest__Output, _sibyl_v1_GetTeamResponse__Output>
  ListTokens: MethodDefinition<_sibyl_v1_ListTokensRequest, _sibyl_v1_ListTokensResponse, _sibyl_v1_ListTokensRequest__Output, _sibyl_v1_ListTokensResponse__Output>
  RevokeToken: MethodDefinition<_sibyl_v1_RevokeTokenRequest, _sibyl_v1_RevokeTokenResponse, _sibyl_v1_RevokeTokenRequest__Output, _sibyl_v1_RevokeTokenResponse__Output>
}
