import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from './google/protobuf/FieldMask';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { AddTrialMeasurementRequest as _sibyl_v1_AddTrialMeasurementRequest, AddTrialMeasurementRequest__Output as _sibyl_v1_AddTrialMeasurementRequest__Output } from './sibyl/v1/AddTrialMeasurementRequest';
import type { AddTrialMeasurementResponse as _sibyl_v1_AddTrialMeasurementResponse, AddTrialMeasurementResponse__Output as _sibyl_v1_AddTrialMeasurementResponse__Output } from './sibyl/v1/AddTrialMeasurementResponse';
import type { BudgetParameter as _sibyl_v1_BudgetParameter, BudgetParameter__Output as _sibyl_v1_BudgetParameter__Output } from './sibyl/v1/BudgetParameter';
import type { CategoricalValues as _sibyl_v1_CategoricalValues, CategoricalValues__Output as _sibyl_v1_CategoricalValues__Output } from './sibyl/v1/CategoricalValues';
import type { CheckTrialEarlyStoppingRequest as _sibyl_v1_CheckTrialEarlyStoppingRequest, CheckTrialEarlyStoppingRequest__Output as _sibyl_v1_CheckTrialEarlyStoppingRequest__Output } from './sibyl/v1/CheckTrialEarlyStoppingRequest';
import type { CheckTrialEarlyStoppingResponse as _sibyl_v1_CheckTrialEarlyStoppingResponse, CheckTrialEarlyStoppingResponse__Output as _sibyl_v1_CheckTrialEarlyStoppingResponse__Output } from './sibyl/v1/CheckTrialEarlyStoppingResponse';
import type { CompleteTrialRequest as _sibyl_v1_CompleteTrialRequest, CompleteTrialRequest__Output as _sibyl_v1_CompleteTrialRequest__Output } from './sibyl/v1/CompleteTrialRequest';
import type { CompleteTrialResponse as _sibyl_v1_CompleteTrialResponse, CompleteTrialResponse__Output as _sibyl_v1_CompleteTrialResponse__Output } from './sibyl/v1/CompleteTrialResponse';
import type { ComputeParameterImportanceRequest as _sibyl_v1_ComputeParameterImportanceRequest, ComputeParameterImportanceRequest__Output as _sibyl_v1_ComputeParameterImportanceRequest__Output } from './sibyl/v1/ComputeParameterImportanceRequest';
import type { ComputeParameterImportanceResponse as _sibyl_v1_ComputeParameterImportanceResponse, ComputeParameterImportanceResponse__Output as _sibyl_v1_ComputeParameterImportanceResponse__Output } from './sibyl/v1/ComputeParameterImportanceResponse';
import type { CreateStudyRequest as _sibyl_v1_CreateStudyRequest, CreateStudyRequest__Output as _sibyl_v1_CreateStudyRequest__Output } from './sibyl/v1/CreateStudyRequest';
import type { CreateStudyResponse as _sibyl_v1_CreateStudyResponse, CreateStudyResponse__Output as _sibyl_v1_CreateStudyResponse__Output } from './sibyl/v1/CreateStudyResponse';
import type { CreateTrialRequest as _sibyl_v1_CreateTrialRequest, CreateTrialRequest__Output as _sibyl_v1_CreateTrialRequest__Output } from './sibyl/v1/CreateTrialRequest';
import type { CreateTrialResponse as _sibyl_v1_CreateTrialResponse, CreateTrialResponse__Output as _sibyl_v1_CreateTrialResponse__Output } from './sibyl/v1/CreateTrialResponse';
import type { DeleteStudyRequest as _sibyl_v1_DeleteStudyRequest, DeleteStudyRequest__Output as _sibyl_v1_DeleteStudyRequest__Output } from './sibyl/v1/DeleteStudyRequest';
import type { DeleteStudyResponse as _sibyl_v1_DeleteStudyResponse, DeleteStudyResponse__Output as _sibyl_v1_DeleteStudyResponse__Output } from './sibyl/v1/DeleteStudyResponse';
import type { DiscreteValues as _sibyl_v1_DiscreteValues, DiscreteValues__Output as _sibyl_v1_DiscreteValues__Output } from './sibyl/v1/DiscreteValues';
import type { DoubleRange as _sibyl_v1_DoubleRange, DoubleRange__Output as _sibyl_v1_DoubleRange__Output } from './sibyl/v1/DoubleRange';
import type { EarlyStoppingPolicy as _sibyl_v1_EarlyStoppingPolicy, EarlyStoppingPolicy__Output as _sibyl_v1_EarlyStoppingPolicy__Output } from './sibyl/v1/EarlyStoppingPolicy';
import type { Fidelity as _sibyl_v1_Fidelity, Fidelity__Output as _sibyl_v1_Fidelity__Output } from './sibyl/v1/Fidelity';
import type { GetStudyRequest as _sibyl_v1_GetStudyRequest, GetStudyRequest__Output as _sibyl_v1_GetStudyRequest__Output } from './sibyl/v1/GetStudyRequest';
import type { GetStudyResponse as _sibyl_v1_GetStudyResponse, GetStudyResponse__Output as _sibyl_v1_GetStudyResponse__Output } from './sibyl/v1/GetStudyResponse';
import type { GetTrialRequest as _sibyl_v1_GetTrialRequest, GetTrialRequest__Output as _sibyl_v1_GetTrialRequest__Output } from './sibyl/v1/GetTrialRequest';
import type { GetTrialResponse as _sibyl_v1_GetTrialResponse, GetTrialResponse__Output as _sibyl_v1_GetTrialResponse__Output } from './sibyl/v1/GetTrialResponse';
import type { IntegerRange as _sibyl_v1_IntegerRange, IntegerRange__Output as _sibyl_v1_IntegerRange__Output } from './sibyl/v1/IntegerRange';
import type { LearningCurveRule as _sibyl_v1_LearningCurveRule, LearningCurveRule__Output as _sibyl_v1_LearningCurveRule__Output } from './sibyl/v1/LearningCurveRule';
import type { ListOptimalTrialsRequest as _sibyl_v1_ListOptimalTrialsRequest, ListOptimalTrialsRequest__Output as _sibyl_v1_ListOptimalTrialsRequest__Output } from './sibyl/v1/ListOptimalTrialsRequest';
import type { ListOptimalTrialsResponse as _sibyl_v1_ListOptimalTrialsResponse, ListOptimalTrialsResponse__Output as _sibyl_v1_ListOptimalTrialsResponse__Output } from './sibyl/v1/ListOptimalTrialsResponse';
import type { ListStudiesRequest as _sibyl_v1_ListStudiesRequest, ListStudiesRequest__Output as _sibyl_v1_ListStudiesRequest__Output } from './sibyl/v1/ListStudiesRequest';
import type { ListStudiesResponse as _sibyl_v1_ListStudiesResponse, ListStudiesResponse__Output as _sibyl_v1_ListStudiesResponse__Output } from './sibyl/v1/ListStudiesResponse';
import type { ListTrialsRequest as _sibyl_v1_ListTrialsRequest, ListTrialsRequest__Output as _sibyl_v1_ListTrialsRequest__Output } from './sibyl/v1/ListTrialsRequest';
import type { ListTrialsResponse as _sibyl_v1_ListTrialsResponse, ListTrialsResponse__Output as _sibyl_v1_ListTrialsResponse__Output } from './sibyl/v1/ListTrialsResponse';
import type { Measurement as _sibyl_v1_Measurement, Measurement__Output as _sibyl_v1_Measurement__Output } from './sibyl/v1/Measurement';
import type { MedianStoppingRule as _sibyl_v1_MedianStoppingRule, MedianStoppingRule__Output as _sibyl_v1_MedianStoppingRule__Output } from './sibyl/v1/MedianStoppingRule';
import type { MetricSpec as _sibyl_v1_MetricSpec, MetricSpec__Output as _sibyl_v1_MetricSpec__Output } from './sibyl/v1/MetricSpec';
import type { ModelStoppingRule as _sibyl_v1_ModelStoppingRule, ModelStoppingRule__Output as _sibyl_v1_ModelStoppingRule__Output } from './sibyl/v1/ModelStoppingRule';
import type { OutcomeConstraint as _sibyl_v1_OutcomeConstraint, OutcomeConstraint__Output as _sibyl_v1_OutcomeConstraint__Output } from './sibyl/v1/OutcomeConstraint';
import type { ParameterImportance as _sibyl_v1_ParameterImportance, ParameterImportance__Output as _sibyl_v1_ParameterImportance__Output } from './sibyl/v1/ParameterImportance';
import type { ParameterSpec as _sibyl_v1_ParameterSpec, ParameterSpec__Output as _sibyl_v1_ParameterSpec__Output } from './sibyl/v1/ParameterSpec';
import type { ParameterValue as _sibyl_v1_ParameterValue, ParameterValue__Output as _sibyl_v1_ParameterValue__Output } from './sibyl/v1/ParameterValue';
import type { ParentCondition as _sibyl_v1_ParentCondition, ParentCondition__Output as _sibyl_v1_ParentCondition__Output } from './sibyl/v1/ParentCondition';
import type { PriorStudy as _sibyl_v1_PriorStudy, PriorStudy__Output as _sibyl_v1_PriorStudy__Output } from './sibyl/v1/PriorStudy';
import type { StopTrialRequest as _sibyl_v1_StopTrialRequest, StopTrialRequest__Output as _sibyl_v1_StopTrialRequest__Output } from './sibyl/v1/StopTrialRequest';
import type { StopTrialResponse as _sibyl_v1_StopTrialResponse, StopTrialResponse__Output as _sibyl_v1_StopTrialResponse__Output } from './sibyl/v1/StopTrialResponse';
import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from './sibyl/v1/Study';
import type { StudyServiceClient as _sibyl_v1_StudyServiceClient, StudyServiceDefinition as _sibyl_v1_StudyServiceDefinition } from './sibyl/v1/StudyService';
import type { StudySpec as _sibyl_v1_StudySpec, StudySpec__Output as _sibyl_v1_StudySpec__Output } from './sibyl/v1/StudySpec';
import type { SuccessiveHalvingRule as _sibyl_v1_SuccessiveHalvingRule, SuccessiveHalvingRule__Output as _sibyl_v1_SuccessiveHalvingRule__Output } from './sibyl/v1/SuccessiveHalvingRule';
import type { SuggestTrialsRequest as _sibyl_v1_SuggestTrialsRequest, SuggestTrialsRequest__Output as _sibyl_v1_SuggestTrialsRequest__Output } from './sibyl/v1/SuggestTrialsRequest';
import type { SuggestTrialsResponse as _sibyl_v1_SuggestTrialsResponse, SuggestTrialsResponse__Output as _sibyl_v1_SuggestTrialsResponse__Output } from './sibyl/v1/SuggestTrialsResponse';
import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from './sibyl/v1/Trial';
import type { UpdateStudyRequest as _sibyl_v1_UpdateStudyRequest, UpdateStudyRequest__Output as _sibyl_v1_UpdateStudyRequest__Output } from './sibyl/v1/UpdateStudyRequest';
import type { UpdateStudyResponse as _sibyl_v1_UpdateStudyResponse, UpdateStudyResponse__Output as _sibyl_v1_UpdateStudyResponse__Output } from './sibyl/v1/UpdateStudyResponse';
import type { UpdateStudyStateRequest as _sibyl_v1_UpdateStudyStateRequest, UpdateStudyStateRequest__Output as _sibyl_v1_UpdateStudyStateRequest__Output } from './sibyl/v1/UpdateStudyStateRequest';
import type { UpdateStudyStateResponse as _sibyl_v1_UpdateStudyStateResponse, UpdateStudyStateResponse__Output as _sibyl_v1_UpdateStudyStateResponse__Output } from './sibyl/v1/UpdateStudyStateResponse';
import type { ValueRange as _sibyl_v1_ValueRange, ValueRange__Output as _sibyl_v1_ValueRange__Output } from './sibyl/v1/ValueRange';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      FieldMask: MessageTypeDefinition<_google_protobuf_FieldMask, _google_protobuf_FieldMask__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  sibyl: {
    v1: {
      AddTrialMeasurementRequest: MessageTypeDefinition<_sibyl_v1_AddTrialMeasurementRequest, _sibyl_v1_AddTrialMeasurementRequest__Output>
      AddTrialMeasurementResponse: MessageTypeDefinition<_sibyl_v1_AddTrialMeasurementResponse, _sibyl_v1_AddTrialMeasurementResponse__Output>
      Algorithm: EnumTypeDefinition
      BudgetParameter: MessageTypeDefinition<_sibyl_v1_BudgetParameter, _sibyl_v1_BudgetParameter__Output>
      CategoricalValues: MessageTypeDefinition<_sibyl_v1_CategoricalValues, _sibyl_v1_CategoricalValues__Output>
      CheckTrialEarlyStoppingRequest: MessageTypeDefinition<_sibyl_v1_CheckTrialEarlyStoppingRequest, _sibyl_v1_CheckTrialEarlyStoppingRequest__Output>
      CheckTrialEarlyStoppingResponse: MessageTypeDefinition<_sibyl_v1_CheckTrialEarlyStoppingResponse, _sibyl_v1_CheckTrialEarlyStoppingResponse__Output>
      CompleteTrialRequest: MessageTypeDefinition<_sibyl_v1_CompleteTrialRequest, _sibyl_v1_CompleteTrialRequest__Output>
      CompleteTrialResponse: MessageTypeDefinition<_sibyl_v1_CompleteTrialResponse, _sibyl_v1_CompleteTrialResponse__Output>
      ComputeParameterImportanceRequest: MessageTypeDefinition<_sibyl_v1_ComputeParameterImportanceRequest, _sibyl_v1_ComputeParameterImportanceRequest__Output>
      ComputeParameterImportanceResponse: MessageTypeDefinition<_sibyl_v1_ComputeParameterImportanceResponse, _sibyl_v1_ComputeParameterImportanceResponse__Output>
      CreateStudyRequest: MessageTypeDefinition<_sibyl_v1_CreateStudyRequest, _sibyl_v1_CreateStudyRequest__Output>
      CreateStudyResponse: MessageTypeDefinition<_sibyl_v1_CreateStudyResponse, _sibyl_v1_CreateStudyResponse__Output>
      CreateTrialRequest: MessageTypeDefinition<_sibyl_v1_CreateTrialRequest, _sibyl_v1_CreateTrialRequest__Output>
      CreateTrialResponse: MessageTypeDefinition<_sibyl_v1_CreateTrialResponse, _sibyl_v1_CreateTrialResponse__Output>
      DeleteStudyRequest: MessageTypeDefinition<_sibyl_v1_DeleteStudyRequest, _sibyl_v1_DeleteStudyRequest__Output>
      DeleteStudyResponse: MessageTypeDefinition<_sibyl_v1_DeleteStudyResponse, _sibyl_v1_DeleteStudyResponse__Output>
      DiscreteValues: MessageTypeDefinition<_sibyl_v1_DiscreteValues, _sibyl_v1_DiscreteValues__Output>
      DoubleRange: MessageTypeDefinition<_sibyl_v1_DoubleRange, _sibyl_v1_DoubleRange__Output>
      EarlyStoppingPolicy: MessageTypeDefinition<_sibyl_v1_EarlyStoppingPolicy, _sibyl_v1_EarlyStoppingPolicy__Output>
      Fidelity: MessageTypeDefinition<_sibyl_v1_Fidelity, _sibyl_v1_Fidelity__Output>
      GetStudyRequest: MessageTypeDefinition<_sibyl_v1_GetStudyRequest, _sibyl_v1_GetStudyRequest__Output>
      GetStudyResponse: MessageTypeDefinition<_sibyl_v1_GetStudyResponse, _sibyl_v1_GetStudyResponse__Output>
      GetTrialRequest: MessageTypeDefinition<_sibyl_v1_GetTrialRequest, _sibyl_v1_GetTrialRequest__Output>
      GetTrialResponse: MessageTypeDefinition<_sibyl_v1_GetTrialResponse, _sibyl_v1_GetTrialResponse__Output>
      Goal: EnumTypeDefinition
      ImportanceMethod: EnumTypeDefinition
      IntegerRange: MessageTypeDefinition<_sibyl_v1_IntegerRange, _sibyl_v1_IntegerRange__Output>
      LearningCurveRule: MessageTypeDefinition<_sibyl_v1_LearningCurveRule, _sibyl_v1_LearningCurveRule__Output>
      ListOptimalTrialsRequest: MessageTypeDefinition<_sibyl_v1_ListOptimalTrialsRequest, _sibyl_v1_ListOptimalTrialsRequest__Output>
      ListOptimalTrialsResponse: MessageTypeDefinition<_sibyl_v1_ListOptimalTrialsResponse, _sibyl_v1_ListOptimalTrialsResponse__Output>
      ListStudiesRequest: MessageTypeDefinition<_sibyl_v1_ListStudiesRequest, _sibyl_v1_ListStudiesRequest__Output>
      ListStudiesResponse: MessageTypeDefinition<_sibyl_v1_ListStudiesResponse, _sibyl_v1_ListStudiesResponse__Output>
      ListTrialsRequest: MessageTypeDefinition<_sibyl_v1_ListTrialsRequest, _sibyl_v1_ListTrialsRequest__Output>
      ListTrialsResponse: MessageTypeDefinition<_sibyl_v1_ListTrialsResponse, _sibyl_v1_ListTrialsResponse__Output>
      Measurement: MessageTypeDefinition<_sibyl_v1_Measurement, _sibyl_v1_Measurement__Output>
      MedianStoppingRule: MessageTypeDefinition<_sibyl_v1_MedianStoppingRule, _sibyl_v1_MedianStoppingRule__Output>
      MetricSpec: MessageTypeDefinition<_sibyl_v1_MetricSpec, _sibyl_v1_MetricSpec__Output>
      ModelStoppingRule: MessageTypeDefinition<_sibyl_v1_ModelStoppingRule, _sibyl_v1_ModelStoppingRule__Output>
      OutcomeConstraint: MessageTypeDefinition<_sibyl_v1_OutcomeConstraint, _sibyl_v1_OutcomeConstraint__Output>
      ParameterImportance: MessageTypeDefinition<_sibyl_v1_ParameterImportance, _sibyl_v1_ParameterImportance__Output>
      ParameterSpec: MessageTypeDefinition<_sibyl_v1_ParameterSpec, _sibyl_v1_ParameterSpec__Output>
      ParameterValue: MessageTypeDefinition<_sibyl_v1_ParameterValue, _sibyl_v1_ParameterValue__Output>
      ParentCondition: MessageTypeDefinition<_sibyl_v1_ParentCondition, _sibyl_v1_ParentCondition__Output>
      PriorStudy: MessageTypeDefinition<_sibyl_v1_PriorStudy, _sibyl_v1_PriorStudy__Output>
      ScaleType: EnumTypeDefinition
      StopTrialRequest: MessageTypeDefinition<_sibyl_v1_StopTrialRequest, _sibyl_v1_StopTrialRequest__Output>
      StopTrialResponse: MessageTypeDefinition<_sibyl_v1_StopTrialResponse, _sibyl_v1_StopTrialResponse__Output>
      Study: MessageTypeDefinition<_sibyl_v1_Study, _sibyl_v1_Study__Output>
      /**
       * Manages studies and hands out trials.
       */
      StudyService: SubtypeConstructor<typeof grpc.Client, _sibyl_v1_StudyServiceClient> & { service: _sibyl_v1_StudyServiceDefinition }
      StudySpec: MessageTypeDefinition<_sibyl_v1_StudySpec, _sibyl_v1_StudySpec__Output>
      StudyState: EnumTypeDefinition
      SuccessiveHalvingRule: MessageTypeDefinition<_sibyl_v1_SuccessiveHalvingRule, _sibyl_v1_SuccessiveHalvingRule__Output>
      SuggestTrialsRequest: MessageTypeDefinition<_sibyl_v1_SuggestTrialsRequest, _sibyl_v1_SuggestTrialsRequest__Output>
      SuggestTrialsResponse: MessageTypeDefinition<_sibyl_v1_SuggestTrialsResponse, _sibyl_v1_SuggestTrialsResponse__Output>
      Trial: MessageTypeDefinition<_sibyl_v1_Trial, _sibyl_v1_Trial__Output>
      TrialState: EnumTypeDefinition
      TrialView: EnumTypeDefinition
      UpdateStudyRequest: MessageTypeDefinition<_sibyl_v1_UpdateStudyRequest, _sibyl_v1_UpdateStudyRequest__Output>
      UpdateStudyResponse: MessageTypeDefinition<_sibyl_v1_UpdateStudyResponse, _sibyl_v1_UpdateStudyResponse__Output>
      UpdateStudyStateRequest: MessageTypeDefinition<_sibyl_v1_UpdateStudyStateRequest, _sibyl_v1_UpdateStudyStateRequest__Output>
      UpdateStudyStateResponse: MessageTypeDefinition<_sibyl_v1_UpdateStudyStateResponse, _sibyl_v1_UpdateStudyStateResponse__Output>
      ValueRange: MessageTypeDefinition<_sibyl_v1_ValueRange, _sibyl_v1_ValueRange__Output>
    }
  }
}

