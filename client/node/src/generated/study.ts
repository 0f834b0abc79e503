import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { BudgetParameter as _sibyl_v1_BudgetParameter, BudgetParameter__Output as _sibyl_v1_BudgetParameter__Output } from './sibyl/v1/BudgetParameter';
import type { CategoricalValues as _sibyl_v1_CategoricalValues, CategoricalValues__Output as _sibyl_v1_CategoricalValues__Output } from './sibyl/v1/CategoricalValues';
import type { DiscreteValues as _sibyl_v1_DiscreteValues, DiscreteValues__Output as _sibyl_v1_DiscreteValues__Output } from './sibyl/v1/DiscreteValues';
import type { DoubleRange as _sibyl_v1_DoubleRange, DoubleRange__Output as _sibyl_v1_DoubleRange__Output } from './sibyl/v1/DoubleRange';
import type { EarlyStoppingPolicy as _sibyl_v1_EarlyStoppingPolicy, EarlyStoppingPolicy__Output as _sibyl_v1_EarlyStoppingPolicy__Output } from './sibyl/v1/EarlyStoppingPolicy';
import type { Fidelity as _sibyl_v1_Fidelity, Fidelity__Output as _sibyl_v1_Fidelity__Output } from './sibyl/v1/Fidelity';
import type { IntegerRange as _sibyl_v1_IntegerRange, IntegerRange__Output as _sibyl_v1_IntegerRange__Output } from './sibyl/v1/IntegerRange';
import type { LearningCurveRule as _sibyl_v1_LearningCurveRule, LearningCurveRule__Output as _sibyl_v1_LearningCurveRule__Output } from './sibyl/v1/LearningCurveRule';
import type { MedianStoppingRule as _sibyl_v1_MedianStoppingRule, MedianStoppingRule__Output as _sibyl_v1_MedianStoppingRule__Output } from './sibyl/v1/MedianStoppingRule';
import type { MetricSpec as _sibyl_v1_MetricSpec, MetricSpec__Output as _sibyl_v1_MetricSpec__Output } from './sibyl/v1/MetricSpec';
import type { ModelStoppingRule as _sibyl_v1_ModelStoppingRule, ModelStoppingRule__Output as _sibyl_v1_ModelStoppingRule__Output } from './sibyl/v1/ModelStoppingRule';
import type { OutcomeConstraint as _sibyl_v1_OutcomeConstraint, OutcomeConstraint__Output as _sibyl_v1_OutcomeConstraint__Output } from './sibyl/v1/OutcomeConstraint';
import type { ParameterSpec as _sibyl_v1_ParameterSpec, ParameterSpec__Output as _sibyl_v1_ParameterSpec__Output } from './sibyl/v1/ParameterSpec';
import type { ParentCondition as _sibyl_v1_ParentCondition, ParentCondition__Output as _sibyl_v1_ParentCondition__Output } from './sibyl/v1/ParentCondition';
import type { PriorStudy as _sibyl_v1_PriorStudy, PriorStudy__Output as _sibyl_v1_PriorStudy__Output } from './sibyl/v1/PriorStudy';
import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from './sibyl/v1/Study';
import type { StudySpec as _sibyl_v1_StudySpec, StudySpec__Output as _sibyl_v1_StudySpec__Output } from './sibyl/v1/StudySpec';
import type { SuccessiveHalvingRule as _sibyl_v1_SuccessiveHalvingRule, SuccessiveHalvingRule__Output as _sibyl_v1_SuccessiveHalvingRule__Output } from './sibyl/v1/SuccessiveHalvingRule';
import type { ValueRange as _sibyl_v1_ValueRange, ValueRange__Output as _sibyl_v1_ValueRange__Output } from './sibyl/v1/ValueRange';

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
      Algorithm: EnumTypeDefinition
      BudgetParameter: MessageTypeDefinition<_sibyl_v1_BudgetParameter, _sibyl_v1_BudgetParameter__Output>
      CategoricalValues: MessageTypeDefinition<_sibyl_v1_CategoricalValues, _sibyl_v1_CategoricalValues__Output>
      DiscreteValues: MessageTypeDefinition<_sibyl_v1_DiscreteValues, _sibyl_v1_DiscreteValues__Output>
      DoubleRange: MessageTypeDefinition<_sibyl_v1_DoubleRange, _sibyl_v1_DoubleRange__Output>
      EarlyStoppingPolicy: MessageTypeDefinition<_sibyl_v1_EarlyStoppingPolicy, _sibyl_v1_EarlyStoppingPolicy__Output>
      Fidelity: MessageTypeDefinition<_sibyl_v1_Fidelity, _sibyl_v1_Fidelity__Output>
      Goal: EnumTypeDefinition
      IntegerRange: MessageTypeDefinition<_sibyl_v1_IntegerRange, _sibyl_v1_IntegerRange__Output>
      LearningCurveRule: MessageTypeDefinition<_sibyl_v1_LearningCurveRule, _sibyl_v1_LearningCurveRule__Output>
      MedianStoppingRule: MessageTypeDefinition<_sibyl_v1_MedianStoppingRule, _sibyl_v1_MedianStoppingRule__Output>
      MetricSpec: MessageTypeDefinition<_sibyl_v1_MetricSpec, _sibyl_v1_MetricSpec__Output>
      ModelStoppingRule: MessageTypeDefinition<_sibyl_v1_ModelStoppingRule, _sibyl_v1_ModelStoppingRule__Output>
      OutcomeConstraint: MessageTypeDefinition<_sibyl_v1_OutcomeConstraint, _sibyl_v1_OutcomeConstraint__Output>
      ParameterSpec: MessageTypeDefinition<_sibyl_v1_ParameterSpec, _sibyl_v1_ParameterSpec__Output>
      ParentCondition: MessageTypeDefinition<_sibyl_v1_ParentCondition, _sibyl_v1_ParentCondition__Output>
      PriorStudy: MessageTypeDefinition<_sibyl_v1_PriorStudy, _sibyl_v1_PriorStudy__Output>
      ScaleType: EnumTypeDefinition
      Study: MessageTypeDefinition<_sibyl_v1_Study, _sibyl_v1_Study__Output>
      StudySpec: MessageTypeDefinition<_sibyl_v1_StudySpec, _sibyl_v1_StudySpec__Output>
      StudyState: EnumTypeDefinition
      SuccessiveHalvingRule: MessageTypeDefinition<_sibyl_v1_SuccessiveHalvingRule, _sibyl_v1_SuccessiveHalvingRule__Output>
      ValueRange: MessageTypeDefinition<_sibyl_v1_ValueRange, _sibyl_v1_ValueRange__Output>
    }
  }
}

