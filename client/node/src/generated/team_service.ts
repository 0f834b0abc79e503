import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { CreateTokenRequest as _sibyl_v1_CreateTokenRequest, CreateTokenRequest__Output as _sibyl_v1_CreateTokenRequest__Output } from './sibyl/v1/CreateTokenRequest';
import type { CreateTokenResponse as _sibyl_v1_CreateTokenResponse, CreateTokenResponse__Output as _sibyl_v1_CreateTokenResponse__Output } from './sibyl/v1/CreateTokenResponse';
import type { GetTeamRequest as _sibyl_v1_GetTeamRequest, GetTeamRequest__Output as _sibyl_v1_GetTeamRequest__Output } from './sibyl/v1/GetTeamRequest';
import type { GetTeamResponse as _sibyl_v1_GetTeamResponse, GetTeamResponse__Output as _sibyl_v1_GetTeamResponse__Output } from './sibyl/v1/GetTeamResponse';
import type { ListTokensRequest as _sibyl_v1_ListTokensRequest, ListTokensRequest__Output as _sibyl_v1_ListTokensRequest__Output } from './sibyl/v1/ListTokensRequest';
import type { ListTokensResponse as _sibyl_v1_ListTokensResponse, ListTokensResponse__Output as _sibyl_v1_ListTokensResponse__Output } from './sibyl/v1/ListTokensResponse';
import type { RevokeTokenRequest as _sibyl_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _sibyl_v1_RevokeTokenRequest__Output } from './sibyl/v1/RevokeTokenRequest';
import type { RevokeTokenResponse as _sibyl_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _sibyl_v1_RevokeTokenResponse__Output } from './sibyl/v1/RevokeTokenResponse';
import type { Team as _sibyl_v1_Team, Team__Output as _sibyl_v1_Team__Output } from './sibyl/v1/Team';
import type { TeamQuotas as _sibyl_v1_TeamQuotas, TeamQuotas__Output as _sibyl_v1_TeamQuotas__Output } from './sibyl/v1/TeamQuotas';
import type { TeamServiceClient as _sibyl_v1_TeamServiceClient, TeamServiceDefinition as _sibyl_v1_TeamServiceDefinition } from './sibyl/v1/TeamService';
import type { Token as _sibyl_v1_Token, Token__Output as _sibyl_v1_Token__Output } from './sibyl/v1/Token';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  sibyl: {
    v1: {
      CreateTokenRequest: MessageTypeDefinition<_sibyl_v1_CreateTokenRequest, _sibyl_v1_CreateTokenRequest__Output>
      CreateTokenResponse: MessageTypeDefinition<_sibyl_v1_CreateTokenResponse, _sibyl_v1_CreateTokenResponse__Output>
      GetTeamRequest: MessageTypeDefinition<_sibyl_v1_GetTeamRequest, _sibyl_v1_GetTeamRequest__Output>
      GetTeamResponse: MessageTypeDefinition<_sibyl_v1_GetTeamResponse, _sibyl_v1_GetTeamResponse__Output>
      ListTokensRequest: MessageTypeDefinition<_sibyl_v1_ListTokensRequest, _sibyl_v1_ListTokensRequest__Output>
      ListTokensResponse: MessageTypeDefinition<_sibyl_v1_ListTokensResponse, _sibyl_v1_ListTokensResponse__Output>
      RevokeTokenRequest: MessageTypeDefinition<_sibyl_v1_RevokeTokenRequest, _sibyl_v1_RevokeTokenRequest__Output>
      RevokeTokenResponse: MessageTypeDefinition<_sibyl_v1_RevokeTokenResponse, _sibyl_v1_RevokeTokenResponse__Output>
      Role: EnumTypeDefinition
      Team: MessageTypeDefinition<_sibyl_v1_Team, _sibyl_v1_Team__Output>
      TeamQuotas: MessageTypeDefinition<_sibyl_v1_TeamQuotas, _sibyl_v1_TeamQuotas__Output>
      /**
       * Reads a team and manages its tokens.
       */
      TeamService: SubtypeConstructor<typeof grpc.Client, _sibyl_v1_TeamServiceClient> & { service: _sibyl_v1_TeamServiceDefinition }
      Token: MessageTypeDefinition<_sibyl_v1_Token, _sibyl_v1_Token__Output>
    }
  }
}

