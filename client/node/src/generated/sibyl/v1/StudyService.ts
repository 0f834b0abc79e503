// Original file: ../../proto/sibyl/v1/study_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddTrialMeasurementRequest as _sibyl_v1_AddTrialMeasurementRequest, AddTrialMeasurementRequest__Output as _sibyl_v1_AddTrialMeasurementRequest__Output } from '../../sibyl/v1/AddTrialMeasurementRequest';
import type { AddTrialMeasurementResponse as _sibyl_v1_AddTrialMeasurementResponse, AddTrialMeasurementResponse__Output as _sibyl_v1_AddTrialMeasurementResponse__Output } from '../../sibyl/v1/AddTrialMeasurementResponse';
import type { CheckTrialEarlyStoppingRequest as _sibyl_v1_CheckTrialEarlyStoppingRequest, CheckTrialEarlyStoppingRequest__Output as _sibyl_v1_CheckTrialEarlyStoppingRequest__Output } from '../../sibyl/v1/CheckTrialEarlyStoppingRequest';
import type { CheckTrialEarlyStoppingResponse as _sibyl_v1_CheckTrialEarlyStoppingResponse, CheckTrialEarlyStoppingResponse__Output as _sibyl_v1_CheckTrialEarlyStoppingResponse__Output } from '../../sibyl/v1/CheckTrialEarlyStoppingResponse';
import type { CompleteTrialRequest as _sibyl_v1_CompleteTrialRequest, CompleteTrialRequest__Output as _sibyl_v1_CompleteTrialRequest__Output } from '../../sibyl/v1/CompleteTrialRequest';
import type { CompleteTrialResponse as _sibyl_v1_CompleteTrialResponse, CompleteTrialResponse__Output as _sibyl_v1_CompleteTrialResponse__Output } from '../../sibyl/v1/CompleteTrialResponse';
import type { ComputeParameterImportanceRequest as _sibyl_v1_ComputeParameterImportanceRequest, ComputeParameterImportanceRequest__Output as _sibyl_v1_ComputeParameterImportanceRequest__Output } from '../../sibyl/v1/ComputeParameterImportanceRequest';
import type { ComputeParameterImportanceResponse as _sibyl_v1_ComputeParameterImportanceResponse, ComputeParameterImportanceResponse__Output as _sibyl_v1_ComputeParameterImportanceResponse__Output } from '../../sibyl/v1/ComputeParameterImportanceResponse';
import type { CreateStudyRequest as _sibyl_v1_CreateStudyRequest, CreateStudyRequest__Output as _sibyl_v1_CreateStudyRequest__Output } from '../../sibyl/v1/CreateStudyRequest';
import type { CreateStudyResponse as _sibyl_v1_CreateStudyResponse, CreateStudyResponse__Output as _sibyl_v1_CreateStudyResponse__Output } from '../../sibyl/v1/CreateStudyResponse';
import type { CreateTrialRequest as _sibyl_v1_CreateTrialRequest, CreateTrialRequest__Output as _sibyl_v1_CreateTrialRequest__Output } from '../../sibyl/v1/CreateTrialRequest';
import type { CreateTrialResponse as _sibyl_v1_CreateTrialResponse, CreateTrialResponse__Output as _sibyl_v1_CreateTrialResponse__Output } from '../../sibyl/v1/CreateTrialResponse';
import type { DeleteStudyRequest as _sibyl_v1_DeleteStudyRequest, DeleteStudyRequest__Output as _sibyl_v1_DeleteStudyRequest__Output } from '../../sibyl/v1/DeleteStudyRequest';
import type { DeleteStudyResponse as _sibyl_v1_DeleteStudyResponse, DeleteStudyResponse__Output as _sibyl_v1_DeleteStudyResponse__Output } from '../../sibyl/v1/DeleteStudyResponse';
import type { GetStudyRequest as _sibyl_v1_GetStudyRequest, GetStudyRequest__Output as _sibyl_v1_GetStudyRequest__Output } from '../../sibyl/v1/GetStudyRequest';
import type { GetStudyResponse as _sibyl_v1_GetStudyResponse, GetStudyResponse__Output as _sibyl_v1_GetStudyResponse__Output } from '../../sibyl/v1/GetStudyResponse';
import type { GetTrialRequest as _sibyl_v1_GetTrialRequest, GetTrialRequest__Output as _sibyl_v1_GetTrialRequest__Output } from '../../sibyl/v1/GetTrialRequest';
import type { GetTrialResponse as _sibyl_v1_GetTrialResponse, GetTrialResponse__Output as _sibyl_v1_GetTrialResponse__Output } from '../../sibyl/v1/GetTrialResponse';
import type { ListOptimalTrialsRequest as _sibyl_v1_ListOptimalTrialsRequest, ListOptimalTrialsRequest__Output as _sibyl_v1_ListOptimalTrialsRequest__Output } from '../../sibyl/v1/ListOptimalTrialsRequest';
import type { ListOptimalTrialsResponse as _sibyl_v1_ListOptimalTrialsResponse, ListOptimalTrialsResponse__Output as _sibyl_v1_ListOptimalTrialsResponse__Output } from '../../sibyl/v1/ListOptimalTrialsResponse';
import type { ListStudiesRequest as _sibyl_v1_ListStudiesRequest, ListStudiesRequest__Output as _sibyl_v1_ListStudiesRequest__Output } from '../../sibyl/v1/ListStudiesRequest';
import type { ListStudiesResponse as _sibyl_v1_ListStudiesResponse, ListStudiesResponse__Output as _sibyl_v1_ListStudiesResponse__Output } from '../../sibyl/v1/ListStudiesResponse';
import type { ListTrialsRequest as _sibyl_v1_ListTrialsRequest, ListTrialsRequest__Output as _sibyl_v1_ListTrialsRequest__Output } from '../../sibyl/v1/ListTrialsRequest';
import type { ListTrialsResponse as _sibyl_v1_ListTrialsResponse, ListTrialsResponse__Output as _sibyl_v1_ListTrialsResponse__Output } from '../../sibyl/v1/ListTrialsResponse';
import type { StopTrialRequest as _sibyl_v1_StopTrialRequest, StopTrialRequest__Output as _sibyl_v1_StopTrialRequest__Output } from '../../sibyl/v1/StopTrialRequest';
import type { StopTrialResponse as _sibyl_v1_StopTrialResponse, StopTrialResponse__Output as _sibyl_v1_StopTrialResponse__Output } from '../../sibyl/v1/StopTrialResponse';
import type { SuggestTrialsRequest as _sibyl_v1_SuggestTrialsRequest, SuggestTrialsRequest__Output as _sibyl_v1_SuggestTrialsRequest__Output } from '../../sibyl/v1/SuggestTrialsRequest';
import type { SuggestTrialsResponse as _sibyl_v1_SuggestTrialsResponse, SuggestTrialsResponse__Output as _sibyl_v1_SuggestTrialsResponse__Output } from '../../sibyl/v1/SuggestTrialsResponse';
import type { UpdateStudyRequest as _sibyl_v1_UpdateStudyRequest, UpdateStudyRequest__Output as _sibyl_v1_UpdateStudyRequest__Output } from '../../sibyl/v1/UpdateStudyRequest';
import type { UpdateStudyResponse as _sibyl_v1_UpdateStudyResponse, UpdateStudyResponse__Output as _sibyl_v1_UpdateStudyResponse__Output } from '../../sibyl/v1/UpdateStudyResponse';
import type { UpdateStudyStateRequest as _sibyl_v1_UpdateStudyStateRequest, UpdateStudyStateRequest__Output as _sibyl_v1_UpdateStudyStateRequest__Output } from '../../sibyl/v1/UpdateStudyStateRequest';
import type { UpdateStudyStateResponse as _sibyl_v1_UpdateStudyStateResponse, UpdateStudyStateResponse__Output as _sibyl_v1_UpdateStudyStateResponse__Output } from '../../sibyl/v1/UpdateStudyStateResponse';

/**
 * Manages studies and hands out trials.
 */
export interface StudyServiceClient extends grpc.Client {
  /**
   * Records an intermediate measurement of an ACTIVE trial and renews its lease.
   * With `client_id` set, FAILED_PRECONDITION (reason LEASE_LOST) once the trial
   * was handed to another worker. Sending the last measurement again is a no-op.
   */
  AddTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  AddTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  AddTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  AddTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Records an intermediate measurement of an ACTIVE trial and renews its lease.
   * With `client_id` set, FAILED_PRECONDITION (reason LEASE_LOST) once the trial
   * was handed to another worker. Sending the last measurement again is a no-op.
   */
  addTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  addTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  addTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  addTrialMeasurement(argument: _sibyl_v1_AddTrialMeasurementRequest, callback: grpc.requestCallback<_sibyl_v1_AddTrialMeasurementResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Asks whether an ACTIVE trial should stop early, by the study's early-stopping
   * policy and the trial's intermediate measurements. When it should, the trial
   * becomes STOPPING: the worker should complete it (with its last measurement,
   * by leaving the final measurement unset). A STOPPING trial always answers yes.
   * Without a policy the answer is always no. With `client_id` set, a worker
   * whose trial was handed to another worker is told to drop it (`lease_lost`),
   * and the trial is left as it is.
   */
  CheckTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  CheckTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  CheckTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  CheckTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Asks whether an ACTIVE trial should stop early, by the study's early-stopping
   * policy and the trial's intermediate measurements. When it should, the trial
   * becomes STOPPING: the worker should complete it (with its last measurement,
   * by leaving the final measurement unset). A STOPPING trial always answers yes.
   * Without a policy the answer is always no. With `client_id` set, a worker
   * whose trial was handed to another worker is told to drop it (`lease_lost`),
   * and the trial is left as it is.
   */
  checkTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  checkTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  checkTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  checkTrialEarlyStopping(argument: _sibyl_v1_CheckTrialEarlyStoppingRequest, callback: grpc.requestCallback<_sibyl_v1_CheckTrialEarlyStoppingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Finishes a trial, with a final measurement or as infeasible. Completing a
   * finished trial again with the same result returns it unchanged; with a
   * different result it is FAILED_PRECONDITION. With `client_id` set,
   * FAILED_PRECONDITION (reason LEASE_LOST) once the trial was handed to another
   * worker.
   */
  CompleteTrial(argument: _sibyl_v1_CompleteTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  CompleteTrial(argument: _sibyl_v1_CompleteTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  CompleteTrial(argument: _sibyl_v1_CompleteTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  CompleteTrial(argument: _sibyl_v1_CompleteTrialRequest, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Finishes a trial, with a final measurement or as infeasible. Completing a
   * finished trial again with the same result returns it unchanged; with a
   * different result it is FAILED_PRECONDITION. With `client_id` set,
   * FAILED_PRECONDITION (reason LEASE_LOST) once the trial was handed to another
   * worker.
   */
  completeTrial(argument: _sibyl_v1_CompleteTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  completeTrial(argument: _sibyl_v1_CompleteTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  completeTrial(argument: _sibyl_v1_CompleteTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  completeTrial(argument: _sibyl_v1_CompleteTrialRequest, callback: grpc.requestCallback<_sibyl_v1_CompleteTrialResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * How much each parameter moves a metric over the study's finished trials: a
   * variance decomposition (Sobol indices) of a Gaussian process fitted to the
   * metric, or, with fewer than 8 such trials or when the fit fails, each
   * parameter's correlation ratio (see `method`). Read-only; it may take seconds.
   * FAILED_PRECONDITION (reason NOT_ENOUGH_TRIALS) before 2 trials have a value.
   */
  ComputeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  ComputeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  ComputeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  ComputeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * How much each parameter moves a metric over the study's finished trials: a
   * variance decomposition (Sobol indices) of a Gaussian process fitted to the
   * metric, or, with fewer than 8 such trials or when the fit fails, each
   * parameter's correlation ratio (see `method`). Read-only; it may take seconds.
   * FAILED_PRECONDITION (reason NOT_ENOUGH_TRIALS) before 2 trials have a value.
   */
  computeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  computeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  computeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  computeParameterImportance(argument: _sibyl_v1_ComputeParameterImportanceRequest, callback: grpc.requestCallback<_sibyl_v1_ComputeParameterImportanceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates a study. ALREADY_EXISTS if the team has a study with that id,
   * unless it was created by a request with the same `request_id` (a retry),
   * which returns it.
   */
  CreateStudy(argument: _sibyl_v1_CreateStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  CreateStudy(argument: _sibyl_v1_CreateStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  CreateStudy(argument: _sibyl_v1_CreateStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  CreateStudy(argument: _sibyl_v1_CreateStudyRequest, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a study. ALREADY_EXISTS if the team has a study with that id,
   * unless it was created by a request with the same `request_id` (a retry),
   * which returns it.
   */
  createStudy(argument: _sibyl_v1_CreateStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  createStudy(argument: _sibyl_v1_CreateStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  createStudy(argument: _sibyl_v1_CreateStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  createStudy(argument: _sibyl_v1_CreateStudyRequest, callback: grpc.requestCallback<_sibyl_v1_CreateStudyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds a trial with parameters chosen by the user: either finished already
   * (COMPLETED with a final measurement, or INFEASIBLE, e.g. results of earlier
   * runs to warm-start the study) or REQUESTED (queued for the next worker).
   */
  CreateTrial(argument: _sibyl_v1_CreateTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  CreateTrial(argument: _sibyl_v1_CreateTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  CreateTrial(argument: _sibyl_v1_CreateTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  CreateTrial(argument: _sibyl_v1_CreateTrialRequest, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a trial with parameters chosen by the user: either finished already
   * (COMPLETED with a final measurement, or INFEASIBLE, e.g. results of earlier
   * runs to warm-start the study) or REQUESTED (queued for the next worker).
   */
  createTrial(argument: _sibyl_v1_CreateTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  createTrial(argument: _sibyl_v1_CreateTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  createTrial(argument: _sibyl_v1_CreateTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  createTrial(argument: _sibyl_v1_CreateTrialRequest, callback: grpc.requestCallback<_sibyl_v1_CreateTrialResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a study and all its trials. NOT_FOUND if it does not exist, unless
   * `allow_missing` is set (what a retry sets, since its first attempt may have
   * deleted it).
   */
  DeleteStudy(argument: _sibyl_v1_DeleteStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  DeleteStudy(argument: _sibyl_v1_DeleteStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  DeleteStudy(argument: _sibyl_v1_DeleteStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  DeleteStudy(argument: _sibyl_v1_DeleteStudyRequest, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a study and all its trials. NOT_FOUND if it does not exist, unless
   * `allow_missing` is set (what a retry sets, since its first attempt may have
   * deleted it).
   */
  deleteStudy(argument: _sibyl_v1_DeleteStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  deleteStudy(argument: _sibyl_v1_DeleteStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  deleteStudy(argument: _sibyl_v1_DeleteStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  deleteStudy(argument: _sibyl_v1_DeleteStudyRequest, callback: grpc.requestCallback<_sibyl_v1_DeleteStudyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns a study. NOT_FOUND if it does not exist.
   */
  GetStudy(argument: _sibyl_v1_GetStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  GetStudy(argument: _sibyl_v1_GetStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  GetStudy(argument: _sibyl_v1_GetStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  GetStudy(argument: _sibyl_v1_GetStudyRequest, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns a study. NOT_FOUND if it does not exist.
   */
  getStudy(argument: _sibyl_v1_GetStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  getStudy(argument: _sibyl_v1_GetStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  getStudy(argument: _sibyl_v1_GetStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  getStudy(argument: _sibyl_v1_GetStudyRequest, callback: grpc.requestCallback<_sibyl_v1_GetStudyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns a trial. NOT_FOUND if it does not exist.
   */
  GetTrial(argument: _sibyl_v1_GetTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  GetTrial(argument: _sibyl_v1_GetTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  GetTrial(argument: _sibyl_v1_GetTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  GetTrial(argument: _sibyl_v1_GetTrialRequest, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns a trial. NOT_FOUND if it does not exist.
   */
  getTrial(argument: _sibyl_v1_GetTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  getTrial(argument: _sibyl_v1_GetTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  getTrial(argument: _sibyl_v1_GetTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  getTrial(argument: _sibyl_v1_GetTrialRequest, callback: grpc.requestCallback<_sibyl_v1_GetTrialResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns the best COMPLETED trials that satisfy every outcome constraint: for
   * one objective, the trial with the best value (the earliest one on ties); for
   * several, the Pareto front (trials no other feasible trial dominates), by id.
   * Empty when no trial has completed, or none is feasible (see the response).
   */
  ListOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  ListOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  ListOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  ListOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Returns the best COMPLETED trials that satisfy every outcome constraint: for
   * one objective, the trial with the best value (the earliest one on ties); for
   * several, the Pareto front (trials no other feasible trial dominates), by id.
   * Empty when no trial has completed, or none is feasible (see the response).
   */
  listOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  listOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  listOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  listOptimalTrials(argument: _sibyl_v1_ListOptimalTrialsRequest, callback: grpc.requestCallback<_sibyl_v1_ListOptimalTrialsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists a team's studies, oldest first, a page at a time.
   */
  ListStudies(argument: _sibyl_v1_ListStudiesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  ListStudies(argument: _sibyl_v1_ListStudiesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  ListStudies(argument: _sibyl_v1_ListStudiesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  ListStudies(argument: _sibyl_v1_ListStudiesRequest, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists a team's studies, oldest first, a page at a time.
   */
  listStudies(argument: _sibyl_v1_ListStudiesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  listStudies(argument: _sibyl_v1_ListStudiesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  listStudies(argument: _sibyl_v1_ListStudiesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  listStudies(argument: _sibyl_v1_ListStudiesRequest, callback: grpc.requestCallback<_sibyl_v1_ListStudiesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists a study's trials by increasing id, optionally only some states, a page
   * at a time.
   */
  ListTrials(argument: _sibyl_v1_ListTrialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  ListTrials(argument: _sibyl_v1_ListTrialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  ListTrials(argument: _sibyl_v1_ListTrialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  ListTrials(argument: _sibyl_v1_ListTrialsRequest, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists a study's trials by increasing id, optionally only some states, a page
   * at a time.
   */
  listTrials(argument: _sibyl_v1_ListTrialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  listTrials(argument: _sibyl_v1_ListTrialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  listTrials(argument: _sibyl_v1_ListTrialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  listTrials(argument: _sibyl_v1_ListTrialsRequest, callback: grpc.requestCallback<_sibyl_v1_ListTrialsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Asks the worker of an ACTIVE trial to stop it: the trial becomes STOPPING, and
   * CheckTrialEarlyStopping answers yes. Stopping a STOPPING trial returns it.
   */
  StopTrial(argument: _sibyl_v1_StopTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  StopTrial(argument: _sibyl_v1_StopTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  StopTrial(argument: _sibyl_v1_StopTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  StopTrial(argument: _sibyl_v1_StopTrialRequest, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Asks the worker of an ACTIVE trial to stop it: the trial becomes STOPPING, and
   * CheckTrialEarlyStopping answers yes. Stopping a STOPPING trial returns it.
   */
  stopTrial(argument: _sibyl_v1_StopTrialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  stopTrial(argument: _sibyl_v1_StopTrialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  stopTrial(argument: _sibyl_v1_StopTrialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  stopTrial(argument: _sibyl_v1_StopTrialRequest, callback: grpc.requestCallback<_sibyl_v1_StopTrialResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Hands `count` trials to the worker `client_id`. In order: the ACTIVE trials
   * that worker already holds (a restarted worker resumes them), trials queued
   * with CreateTrial, trials whose worker's lease expired, then new trials from
   * the study's algorithm. Fewer trials (possibly none) come back when the trial
   * budget or the grid is used up. At the team's `max_trials_per_study` quota the
   * trials of the first three kinds still come back, and a call that gets none
   * is RESOURCE_EXHAUSTED. FAILED_PRECONDITION unless the study is ACTIVE. Safe
   * to retry: a retry with the same client id returns the same trials.
   */
  SuggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  SuggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  SuggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  SuggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Hands `count` trials to the worker `client_id`. In order: the ACTIVE trials
   * that worker already holds (a restarted worker resumes them), trials queued
   * with CreateTrial, trials whose worker's lease expired, then new trials from
   * the study's algorithm. Fewer trials (possibly none) come back when the trial
   * budget or the grid is used up. At the team's `max_trials_per_study` quota the
   * trials of the first three kinds still come back, and a call that gets none
   * is RESOURCE_EXHAUSTED. FAILED_PRECONDITION unless the study is ACTIVE. Safe
   * to retry: a retry with the same client id returns the same trials.
   */
  suggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  suggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  suggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  suggestTrials(argument: _sibyl_v1_SuggestTrialsRequest, callback: grpc.requestCallback<_sibyl_v1_SuggestTrialsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes the fields of a study that may change after creation, named in
   * `update_mask`: `display_name`, `spec.max_trials` and `spec.trial_lease`.
   * Raising `max_trials` above the trials a study already has lets it suggest
   * again (a study COMPLETED by its budget becomes ACTIVE, which counts against
   * the team's `max_active_studies`: RESOURCE_EXHAUSTED at that quota, and nothing
   * changes); lowering it below that number is FAILED_PRECONDITION. Other paths
   * are INVALID_ARGUMENT.
   * Idempotent.
   */
  UpdateStudy(argument: _sibyl_v1_UpdateStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  UpdateStudy(argument: _sibyl_v1_UpdateStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  UpdateStudy(argument: _sibyl_v1_UpdateStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  UpdateStudy(argument: _sibyl_v1_UpdateStudyRequest, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Changes the fields of a study that may change after creation, named in
   * `update_mask`: `display_name`, `spec.max_trials` and `spec.trial_lease`.
   * Raising `max_trials` above the trials a study already has lets it suggest
   * again (a study COMPLETED by its budget becomes ACTIVE, which counts against
   * the team's `max_active_studies`: RESOURCE_EXHAUSTED at that quota, and nothing
   * changes); lowering it below that number is FAILED_PRECONDITION. Other paths
   * are INVALID_ARGUMENT.
   * Idempotent.
   */
  updateStudy(argument: _sibyl_v1_UpdateStudyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  updateStudy(argument: _sibyl_v1_UpdateStudyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  updateStudy(argument: _sibyl_v1_UpdateStudyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  updateStudy(argument: _sibyl_v1_UpdateStudyRequest, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets a study's state to ACTIVE, PAUSED or COMPLETED. Idempotent. Setting a
   * study ACTIVE whose trial budget or grid is used up is FAILED_PRECONDITION
   * (reason STUDY_EXHAUSTED): raise `max_trials` with UpdateStudy first.
   */
  UpdateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  UpdateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  UpdateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  UpdateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sets a study's state to ACTIVE, PAUSED or COMPLETED. Idempotent. Setting a
   * study ACTIVE whose trial budget or grid is used up is FAILED_PRECONDITION
   * (reason STUDY_EXHAUSTED): raise `max_trials` with UpdateStudy first.
   */
  updateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  updateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  updateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  updateStudyState(argument: _sibyl_v1_UpdateStudyStateRequest, callback: grpc.requestCallback<_sibyl_v1_UpdateStudyStateResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Manages studies and hands out trials.
 */
export interface StudyServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Records an intermediate measurement of an ACTIVE trial and renews its lease.
   * With `client_id` set, FAILED_PRECONDITION (reason LEASE_LOST) once the trial
   * was handed to another worker. Sending the last measurement again is a no-op.
   */
  AddTrialMeasurement: grpc.handleUnaryCall<_sibyl_v1_AddTrialMeasurementRequest__Output, _sibyl_v1_AddTrialMeasurementResponse>;
  
  /**
   * Asks whether an ACTIVE trial should stop early, by the study's early-stopping
   * policy and the trial's intermediate measurements. When it should, the trial
   * becomes STOPPING: the worker should complete it (with its last measurement,
   * by leaving the final measurement unset). A STOPPING trial always answers yes.
   * Without a policy the answer is always no. With `client_id` set, a worker
   * whose trial was handed to another worker is told to drop it (`lease_lost`),
   * and the trial is left as it is.
   */
  CheckTrialEarlyStopping: grpc.handleUnaryCall<_sibyl_v1_CheckTrialEarlyStoppingRequest__Output, _sibyl_v1_CheckTrialEarlyStoppingResponse>;
  
  /**
   * Finishes a trial, with a final measurement or as infeasible. Completing a
   * finished trial again with the same result returns it unchanged; with a
   * different result it is FAILED_PRECONDITION. With `client_id` set,
   * FAILED_PRECONDITION (reason LEASE_LOST) once the trial was handed to another
   * worker.
   */
  CompleteTrial: grpc.handleUnaryCall<_sibyl_v1_CompleteTrialRequest__Output, _sibyl_v1_CompleteTrialResponse>;
  
  /**
   * How much each parameter moves a metric over the study's finished trials: a
   * variance decomposition (Sobol indices) of a Gaussian process fitted to the
   * metric, or, with fewer than 8 such trials or when the fit fails, each
   * parameter's correlation ratio (see `method`). Read-only; it may take seconds.
   * FAILED_PRECONDITION (reason NOT_ENOUGH_TRIALS) before 2 trials have a value.
   */
  ComputeParameterImportance: grpc.handleUnaryCall<_sibyl_v1_ComputeParameterImportanceRequest__Output, _sibyl_v1_ComputeParameterImportanceResponse>;
  
  /**
   * Creates a study. ALREADY_EXISTS if the team has a study with that id,
   * unless it was created by a request with the same `request_id` (a retry),
   * which returns it.
   */
  CreateStudy: grpc.handleUnaryCall<_sibyl_v1_CreateStudyRequest__Output, _sibyl_v1_CreateStudyResponse>;
  
  /**
   * Adds a trial with parameters chosen by the user: either finished already
   * (COMPLETED with a final measurement, or INFEASIBLE, e.g. results of earlier
   * runs to warm-start the study) or REQUESTED (queued for the next worker).
   */
  CreateTrial: grpc.handleUnaryCall<_sibyl_v1_CreateTrialRequest__Output, _sibyl_v1_CreateTrialResponse>;
  
  /**
   * Deletes a study and all its trials. NOT_FOUND if it does not exist, unless
   * `allow_missing` is set (what a retry sets, since its first attempt may have
   * deleted it).
   */
  DeleteStudy: grpc.handleUnaryCall<_sibyl_v1_DeleteStudyRequest__Output, _sibyl_v1_DeleteStudyResponse>;
  
  /**
   * Returns a study. NOT_FOUND if it does not exist.
   */
  GetStudy: grpc.handleUnaryCall<_sibyl_v1_GetStudyRequest__Output, _sibyl_v1_GetStudyResponse>;
  
  /**
   * Returns a trial. NOT_FOUND if it does not exist.
   */
  GetTrial: grpc.handleUnaryCall<_sibyl_v1_GetTrialRequest__Output, _sibyl_v1_GetTrialResponse>;
  
  /**
   * Returns the best COMPLETED trials that satisfy every outcome constraint: for
   * one objective, the trial with the best value (the earliest one on ties); for
   * several, the Pareto front (trials no other feasible trial dominates), by id.
   * Empty when no trial has completed, or none is feasible (see the response).
   */
  ListOptimalTrials: grpc.handleUnaryCall<_sibyl_v1_ListOptimalTrialsRequest__Output, _sibyl_v1_ListOptimalTrialsResponse>;
  
  /**
   * Lists a team's studies, oldest first, a page at a time.
   */
  ListStudies: grpc.handleUnaryCall<_sibyl_v1_ListStudiesRequest__Output, _sibyl_v1_ListStudiesResponse>;
  
  /**
   * Lists a study's trials by increasing id, optionally only some states, a page
   * at a time.
   */
  ListTrials: grpc.handleUnaryCall<_sibyl_v1_ListTrialsRequest__Output, _sibyl_v1_ListTrialsResponse>;
  
  /**
   * Asks the worker of an ACTIVE trial to stop it: the trial becomes STOPPING, and
   * CheckTrialEarlyStopping answers yes. Stopping a STOPPING trial returns it.
   */
  StopTrial: grpc.handleUnaryCall<_sibyl_v1_StopTrialRequest__Output, _sibyl_v1_StopTrialResponse>;
  
  /**
   * Hands `count` trials to the worker `client_id`. In order: the ACTIVE trials
   * that worker already holds (a restarted worker resumes them), trials queued
   * with CreateTrial, trials whose worker's lease expired, then new trials from
   * the study's algorithm. Fewer trials (possibly none) come back when the trial
   * budget or the grid is used up. At the team's `max_trials_per_study` quota the
   * trials of the first three kinds still come back, and a call that gets none
   * is RESOURCE_EXHAUSTED. FAILED_PRECONDITION unless the study is ACTIVE. Safe
   * to retry: a retry with the same client id returns the same trials.
   */
  SuggestTrials: grpc.handleUnaryCall<_sibyl_v1_SuggestTrialsRequest__Output, _sibyl_v1_SuggestTrialsResponse>;
  
  /**
   * Changes the fields of a study that may change after creation, named in
   * `update_mask`: `display_name`, `spec.max_trials` and `spec.trial_lease`.
   * Raising `max_trials` above the trials a study already has lets it suggest
   * again (a study COMPLETED by its budget becomes ACTIVE, which counts against
   * the team's `max_active_studies`: RESOURCE_EXHAUSTED at that quota, and nothing
   * changes); lowering it below that number is FAILED_PRECONDITION. Other paths
   * are INVALID_ARGUMENT.
   * Idempotent.
   */
  UpdateStudy: grpc.handleUnaryCall<_sibyl_v1_UpdateStudyRequest__Output, _sibyl_v1_UpdateStudyResponse>;
  
  /**
   * Sets a study's state to ACTIVE, PAUSED or COMPLETED. Idempotent. Setting a
   * study ACTIVE whose trial budget or grid is used up is FAILED_PRECONDITION
   * (reason STUDY_EXHAUSTED): raise `max_trials` with UpdateStudy first.
   */
  UpdateStudyState: grpc.handleUnaryCall<_sibyl_v1_UpdateStudyStateRequest__Output, _sibyl_v1_UpdateStudyStateResponse>;
  
}

export interface StudyServiceDefinition extends grpc.ServiceDefinition {
  AddTrialMeasurement: MethodDefinition<_sibyl_v1_AddTrialMeasurementRequest, _sibyl_v1_AddTrialMeasurementResponse, _sibyl_v1_AddTrialMeasurementRequest__Output, _sibyl_v1_AddTrialMeasurementResponse__Output>
  CheckTrialEarlyStopping: MethodDefinition<_sibyl_v1_CheckTrialEarlyStoppingRequest, _sibyl_v1_CheckTrialEarlyStoppingResponse, _sibyl_v1_CheckTrialEarlyStoppingRequest__Output, _sibyl_v1_CheckTrialEarlyStoppingResponse__Output>
  CompleteTrial: MethodDefinition<_sibyl_v1_CompleteTrialRequest, _sibyl_v1_CompleteTrialResponse, _sibyl_v1_CompleteTrialRequest__Output, _sibyl_v1_CompleteTrialResponse__Output>
  ComputeParameterImportance: MethodDefinition<_sibyl_v1_ComputeParameterImportanceRequest, _sibyl_v1_ComputeParameterImportanceResponse, _sibyl_v1_ComputeParameterImportanceRequest__Output, _sibyl_v1_ComputeParameterImportanceResponse__Output>
  CreateStudy: MethodDefinition<_sibyl_v1_CreateStudyRequest, _sibyl_v1_CreateStudyResponse, _sibyl_v1_CreateStudyRequest__Output, _sibyl_v1_CreateStudyResponse__Output>
  CreateTrial: MethodDefinition<_sibyl_v1_CreateTrialRequest, _sibyl_v1_CreateTrialResponse, _sibyl_v1_CreateTrialRequest__Output, _sibyl_v1_CreateTrialResponse__Output>
  DeleteStudy: MethodDefinition<_sibyl_v1_DeleteStudyRequest, _sibyl_v1_DeleteStudyResponse, _sibyl_v1_DeleteStudyRequest__Output, _sibyl_v1_DeleteStudyResponse__Output>
  GetStudy: MethodDefinition<_sibyl_v1_GetStudyRequest, _sibyl_v1_GetStudyResponse, _sibyl_v1_GetStudyRequest__Output, _sibyl_v1_GetStudyResponse__Output>
  GetTrial: MethodDefinition<_sibyl_v1_GetTrialRequest, _sibyl_v1_GetTrialResponse, _sibyl_v1_GetTrialRequest__Output, _sibyl_v1_GetTrialResponse__Output>
  ListOptimalTrials: MethodDefinition<_sibyl_v1_ListOptimalTrialsRequest, _sibyl_v1_ListOptimalTrialsResponse, _sibyl_v1_ListOptimalTrialsRequest__Output, _sibyl_v1_ListOptimalTrialsResponse__Output>
  ListStudies: MethodDefinition<_sibyl_v1_ListStudiesRequest, _sibyl_v1_ListStudiesResponse, _sibyl_v1_ListStudiesRequest__Output, _sibyl_v1_ListStudiesResponse__Output>
  ListTrials: MethodDefinition<_sibyl_v1_ListTrialsRequest, _sibyl_v1_ListTrialsResponse, _sibyl_v1_ListTrialsRequest__Output, _sibyl_v1_ListTrialsResponse__Output>
  StopTrial: MethodDefinition<_sibyl_v1_StopTrialRequest, _sibyl_v1_StopTrialResponse, _sibyl_v1_StopTrialRequest__Output, _sibyl_v1_StopTrialResponse__Output>
  SuggestTrials: MethodDefinition<_sibyl_v1_SuggestTrialsRequest, _sibyl_v1_SuggestTrialsResponse, _sibyl_v1_SuggestTrialsRequest__Output, _sibyl_v1_SuggestTrialsResponse__Output>
  UpdateStudy: MethodDefinition<_sibyl_v1_UpdateStudyRequest, _sibyl_v1_UpdateStudyResponse, _sibyl_v1_UpdateStudyRequest__Output, _sibyl_v1_UpdateStudyResponse__Output>
  UpdateStudyState: MethodDefinition<_sibyl_v1_UpdateStudyStateRequest, _sibyl_v1_UpdateStudyStateResponse, _sibyl_v1_UpdateStudyStateRequest__Output, _sibyl_v1_UpdateStudyStateResponse__Output>
}
