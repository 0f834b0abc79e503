import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { Measurement as _sibyl_v1_Measurement, Measurement__Output as _sibyl_v1_Measurement__Output } from './sibyl/v1/Measurement';
import type { ParameterValue as _sibyl_v1_ParameterValue, ParameterValue__Output as _sibyl_v1_ParameterValue__Output } from './sibyl/v1/ParameterValue';
import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from './sibyl/v1/Trial';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  sibyl: {
    v1: {
      Measurement: MessageTypeDefinition<_sibyl_v1_Measurement, _sibyl_v1_Measurement__Output>
      ParameterValue: MessageTypeDefinition<_sibyl_v1_ParameterValue, _sibyl_v1_ParameterValue__Output>
      Trial: MessageTypeDefinition<_sibyl_v1_Trial, _sibyl_v1_Trial__Output>
      TrialState: EnumTypeDefinition
    }
  }
}

