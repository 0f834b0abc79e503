// Generated from proto/sibyl/v1 by scripts/generate.mjs. Do not edit.

/** The sibyl.v1 contract and the well-known types it uses, as a protobuf.js JSON descriptor. */
export const descriptor: Record<string, unknown> = {
  "nested": {
    "sibyl": {
      "nested": {
        "v1": {
          "nested": {
            "Study": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "displayName": {
                  "type": "string",
                  "id": 2
                },
                "spec": {
                  "type": "StudySpec",
                  "id": 3
                },
                "state": {
                  "type": "StudyState",
                  "id": 4
                },
                "stateReason": {
                  "type": "string",
                  "id": 5
                },
                "createTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 6
                },
                "updateTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 7
                },
                "trialCount": {
                  "type": "int64",
                  "id": 8
                }
              }
            },
            "StudyState": {
              "values": {
                "STUDY_STATE_UNSPECIFIED": 0,
                "STUDY_STATE_ACTIVE": 1,
                "STUDY_STATE_PAUSED": 2,
                "STUDY_STATE_COMPLETED": 3
              }
            },
            "StudySpec": {
              "oneofs": {
                "_seed": {
                  "oneof": [
                    "seed"
                  ]
                },
                "_initialTrials": {
                  "oneof": [
                    "initialTrials"
                  ]
                },
                "_stallRestarts": {
                  "oneof": [
                    "stallRestarts"
                  ]
                }
              },
              "fields": {
                "parameters": {
                  "rule": "repeated",
                  "type": "ParameterSpec",
                  "id": 1
                },
                "metrics": {
                  "rule": "repeated",
                  "type": "MetricSpec",
                  "id": 2
                },
                "algorithm": {
                  "type": "Algorithm",
                  "id": 3
                },
                "maxTrials": {
                  "type": "int64",
                  "id": 4
                },
                "seed": {
                  "type": "int64",
                  "id": 5,
                  "options": {
                    "proto3_optional": true
                  }
                },
                "trialLease": {
                  "type": "google.protobuf.Duration",
                  "id": 6
                },
                "gridResolution": {
                  "type": "int32",
                  "id": 7
                },
                "initialTrials": {
                  "type": "int32",
                  "id": 8,
                  "options": {
                    "proto3_optional": true
                  }
                },
                "earlyStopping": {
                  "type": "EarlyStoppingPolicy",
                  "id": 9
                },
                "priorStudies": {
                  "rule": "repeated",
                  "type": "PriorStudy",
                  "id": 10
                },
                "fidelity": {
                  "type": "Fidelity",
                  "id": 11
                },
                "budgetParameter": {
                  "type": "BudgetParameter",
                  "id": 12
                },
                "stallRestarts": {
                  "type": "bool",
                  "id": 13,
                  "options": {
                    "proto3_optional": true
                  }
                }
              }
            },
            "BudgetParameter": {
              "fields": {
                "parameter": {
                  "type": "string",
                  "id": 1
                },
                "reductionFactor": {
                  "type": "int32",
                  "id": 2
                }
              }
            },
            "Fidelity": {
              "fields": {
                "maxStep": {
                  "type": "int64",
                  "id": 1
                }
              }
            },
            "PriorStudy": {
              "fields": {
                "study": {
                  "type": "string",
                  "id": 1
                },
                "objective": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "ParameterSpec": {
              "oneofs": {
                "domain": {
                  "oneof": [
                    "doubleRange",
                    "integerRange",
                    "discreteValues",
                    "categoricalValues"
                  ]
                }
              },
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "condition": {
                  "type": "ParentCondition",
                  "id": 6
                },
                "doubleRange": {
                  "type": "DoubleRange",
                  "id": 2
                },
                "integerRange": {
                  "type": "IntegerRange",
                  "id": 3
                },
                "discreteValues": {
                  "type": "DiscreteValues",
                  "id": 4
                },
                "categoricalValues": {
                  "type": "CategoricalValues",
                  "id": 5
                }
              }
            },
            "ParentCondition": {
              "oneofs": {
                "values": {
                  "oneof": [
                    "categories",
                    "numbers",
                    "range"
                  ]
                }
              },
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "categories": {
                  "type": "CategoricalValues",
                  "id": 2
                },
                "numbers": {
                  "type": "DiscreteValues",
                  "id": 3
                },
                "range": {
                  "type": "ValueRange",
                  "id": 4
                }
              }
            },
            "ValueRange": {
              "oneofs": {
                "_minValue": {
                  "oneof": [
                    "minValue"
                  ]
                },
                "_maxValue": {
                  "oneof": [
                    "maxValue"
                  ]
                }
              },
              "fields": {
                "minValue": {
                  "type": "double",
                  "id": 1,
                  "options": {
                    "proto3_optional": true
                  }
                },
                "maxValue": {
                  "type": "double",
                  "id": 2,
                  "options": {
                    "proto3_optional": true
                  }
                }
              }
            },
            "DoubleRange": {
              "fields": {
                "minValue": {
                  "type": "double",
                  "id": 1
                },
                "maxValue": {
                  "type": "double",
                  "id": 2
                },
                "scaleType": {
                  "type": "ScaleType",
                  "id": 3
                }
              }
            },
            "IntegerRange": {
              "fields": {
                "minValue": {
                  "type": "int64",
                  "id": 1
                },
                "maxValue": {
                  "type": "int64",
                  "id": 2
                },
                "scaleType": {
                  "type": "ScaleType",
                  "id": 3
                }
              }
            },
            "DiscreteValues": {
              "fields": {
                "values": {
                  "rule": "repeated",
                  "type": "double",
                  "id": 1
                }
              }
            },
            "CategoricalValues": {
              "fields": {
                "values": {
                  "rule": "repeated",
                  "type": "string",
                  "id": 1
                }
              }
            },
            "ScaleType": {
              "values": {
                "SCALE_TYPE_UNSPECIFIED": 0,
                "SCALE_TYPE_LINEAR": 1,
                "SCALE_TYPE_LOG": 2
              }
            },
            "MetricSpec": {
              "oneofs": {
                "_referenceValue": {
                  "oneof": [
                    "referenceValue"
                  ]
                }
              },
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "goal": {
                  "type": "Goal",
                  "id": 2
                },
                "constraint": {
                  "type": "OutcomeConstraint",
                  "id": 3
                },
                "referenceValue": {
                  "type": "double",
                  "id": 4,
                  "options": {
                    "proto3_optional": true
                  }
                }
              }
            },
            "OutcomeConstraint": {
              "oneofs": {
                "_upperBound": {
                  "oneof": [
                    "upperBound"
                  ]
                },
                "_lowerBound": {
                  "oneof": [
                    "lowerBound"
                  ]
                }
              },
              "fields": {
                "upperBound": {
                  "type": "double",
                  "id": 1,
                  "options": {
                    "proto3_optional": true
                  }
                },
                "lowerBound": {
                  "type": "double",
                  "id": 2,
                  "options": {
                    "proto3_optional": true
                  }
                }
              }
            },
            "EarlyStoppingPolicy": {
              "oneofs": {
                "rule": {
                  "oneof": [
                    "median",
                    "successiveHalving",
                    "learningCurve",
                    "model"
                  ]
                }
              },
              "fields": {
                "median": {
                  "type": "MedianStoppingRule",
                  "id": 1
                },
                "successiveHalving": {
                  "type": "SuccessiveHalvingRule",
                  "id": 2
                },
                "learningCurve": {
                  "type": "LearningCurveRule",
                  "id": 3
                },
                "model": {
                  "type": "ModelStoppingRule",
                  "id": 4
                }
              }
            },
            "MedianStoppingRule": {
              "oneofs": {
                "_minStep": {
                  "oneof": [
                    "minStep"
                  ]
                }
              },
              "fields": {
                "minStep": {
                  "type": "int64",
                  "id": 1,
                  "options": {
                    "proto3_optional": true
                  }
                },
                "minTrials": {
                  "type": "int32",
                  "id": 2
                }
              }
            },
            "SuccessiveHalvingRule": {
              "fields": {
                "minStep": {
                  "type": "int64",
                  "id": 1
                },
                "reductionFactor": {
                  "type": "double",
                  "id": 2
                },
                "brackets": {
                  "type": "int32",
                  "id": 3
                }
              }
            },
            "ModelStoppingRule": {
              "fields": {
                "minStep": {
                  "type": "int64",
                  "id": 1
                },
                "reductionFactor": {
                  "type": "double",
                  "id": 2
                },
                "minProbability": {
                  "type": "double",
                  "id": 3
                }
              }
            },
            "LearningCurveRule": {
              "fields": {
                "finalStep": {
                  "type": "int64",
                  "id": 1
                },
                "minStep": {
                  "type": "int64",
                  "id": 2
                },
                "minTrials": {
                  "type": "int32",
                  "id": 3
                }
              }
            },
            "Goal": {
              "values": {
                "GOAL_UNSPECIFIED": 0,
                "GOAL_MINIMIZE": 1,
                "GOAL_MAXIMIZE": 2
              }
            },
            "Algorithm": {
              "values": {
                "ALGORITHM_UNSPECIFIED": 0,
                "ALGORITHM_GP_BANDIT": 1,
                "ALGORITHM_RANDOM_SEARCH": 2,
                "ALGORITHM_QUASI_RANDOM_SEARCH": 3,
                "ALGORITHM_GRID_SEARCH": 4
              }
            },
            "StudyService": {
              "methods": {
                "CreateStudy": {
                  "requestType": "CreateStudyRequest",
                  "responseType": "CreateStudyResponse"
                },
                "GetStudy": {
                  "requestType": "GetStudyRequest",
                  "responseType": "GetStudyResponse"
                },
                "ListStudies": {
                  "requestType": "ListStudiesRequest",
                  "responseType": "ListStudiesResponse"
                },
                "DeleteStudy": {
                  "requestType": "DeleteStudyRequest",
                  "responseType": "DeleteStudyResponse"
                },
                "UpdateStudyState": {
                  "requestType": "UpdateStudyStateRequest",
                  "responseType": "UpdateStudyStateResponse"
                },
                "UpdateStudy": {
                  "requestType": "UpdateStudyRequest",
                  "responseType": "UpdateStudyResponse"
                },
                "SuggestTrials": {
                  "requestType": "SuggestTrialsRequest",
                  "responseType": "SuggestTrialsResponse"
                },
                "CreateTrial": {
                  "requestType": "CreateTrialRequest",
                  "responseType": "CreateTrialResponse"
                },
                "GetTrial": {
                  "requestType": "GetTrialRequest",
                  "responseType": "GetTrialResponse"
                },
                "ListTrials": {
                  "requestType": "ListTrialsRequest",
                  "responseType": "ListTrialsResponse"
                },
                "AddTrialMeasurement": {
                  "requestType": "AddTrialMeasurementRequest",
                  "responseType": "AddTrialMeasurementResponse"
                },
                "CompleteTrial": {
                  "requestType": "CompleteTrialRequest",
                  "responseType": "CompleteTrialResponse"
                },
                "ListOptimalTrials": {
                  "requestType": "ListOptimalTrialsRequest",
                  "responseType": "ListOptimalTrialsResponse"
                },
                "CheckTrialEarlyStopping": {
                  "requestType": "CheckTrialEarlyStoppingRequest",
                  "responseType": "CheckTrialEarlyStoppingResponse"
                },
                "StopTrial": {
                  "requestType": "StopTrialRequest",
                  "responseType": "StopTrialResponse"
                },
                "ComputeParameterImportance": {
                  "requestType": "ComputeParameterImportanceRequest",
                  "responseType": "ComputeParameterImportanceResponse"
                }
              }
            },
            "CreateStudyRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "studyId": {
                  "type": "string",
                  "id": 2
                },
                "study": {
                  "type": "Study",
                  "id": 3
                },
                "requestId": {
                  "type": "string",
                  "id": 4
                }
              }
            },
            "CreateStudyResponse": {
              "fields": {
                "study": {
                  "type": "Study",
                  "id": 1
                }
              }
            },
            "GetStudyRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                }
              }
            },
            "GetStudyResponse": {
              "fields": {
                "study": {
                  "type": "Study",
                  "id": 1
                }
              }
            },
            "ListStudiesRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "pageSize": {
                  "type": "int32",
                  "id": 2
                },
                "pageToken": {
                  "type": "string",
                  "id": 3
                }
              }
            },
            "ListStudiesResponse": {
              "fields": {
                "studies": {
                  "rule": "repeated",
                  "type": "Study",
                  "id": 1
                },
                "nextPageToken": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "DeleteStudyRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "allowMissing": {
                  "type": "bool",
                  "id": 2
                }
              }
            },
            "DeleteStudyResponse": {
              "fields": {}
            },
            "UpdateStudyStateRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "state": {
                  "type": "StudyState",
                  "id": 2
                }
              }
            },
            "UpdateStudyStateResponse": {
              "fields": {
                "study": {
                  "type": "Study",
                  "id": 1
                }
              }
            },
            "UpdateStudyRequest": {
              "fields": {
                "study": {
                  "type": "Study",
                  "id": 1
                },
                "updateMask": {
                  "type": "google.protobuf.FieldMask",
                  "id": 2
                }
              }
            },
            "UpdateStudyResponse": {
              "fields": {
                "study": {
                  "type": "Study",
                  "id": 1
                }
              }
            },
            "SuggestTrialsRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "count": {
                  "type": "int32",
                  "id": 2
                },
                "clientId": {
                  "type": "string",
                  "id": 3
                }
              }
            },
            "SuggestTrialsResponse": {
              "fields": {
                "trials": {
                  "rule": "repeated",
                  "type": "Trial",
                  "id": 1
                },
                "studyState": {
                  "type": "StudyState",
                  "id": 2
                }
              }
            },
            "CreateTrialRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "trial": {
                  "type": "Trial",
                  "id": 2
                },
                "requestId": {
                  "type": "string",
                  "id": 3
                }
              }
            },
            "CreateTrialResponse": {
              "fields": {
                "trial": {
                  "type": "Trial",
                  "id": 1
                }
              }
            },
            "GetTrialRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                }
              }
            },
            "GetTrialResponse": {
              "fields": {
                "trial": {
                  "type": "Trial",
                  "id": 1
                }
              }
            },
            "ListTrialsRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "states": {
                  "rule": "repeated",
                  "type": "TrialState",
                  "id": 2
                },
                "pageSize": {
                  "type": "int32",
                  "id": 3
                },
                "pageToken": {
                  "type": "string",
                  "id": 4
                },
                "view": {
                  "type": "TrialView",
                  "id": 5
                }
              }
            },
            "TrialView": {
              "values": {
                "TRIAL_VIEW_UNSPECIFIED": 0,
                "TRIAL_VIEW_BASIC": 1,
                "TRIAL_VIEW_FULL": 2
              }
            },
            "ListTrialsResponse": {
              "fields": {
                "trials": {
                  "rule": "repeated",
                  "type": "Trial",
                  "id": 1
                },
                "nextPageToken": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "AddTrialMeasurementRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "measurement": {
                  "type": "Measurement",
                  "id": 2
                },
                "clientId": {
                  "type": "string",
                  "id": 3
                }
              }
            },
            "AddTrialMeasurementResponse": {
              "fields": {
                "trial": {
                  "type": "Trial",
                  "id": 1
                }
              }
            },
            "CompleteTrialRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "finalMeasurement": {
                  "type": "Measurement",
                  "id": 2
                },
                "trialInfeasible": {
                  "type": "bool",
                  "id": 3
                },
                "infeasibilityReason": {
                  "type": "string",
                  "id": 4
                },
                "clientId": {
                  "type": "string",
                  "id": 5
                }
              }
            },
            "CompleteTrialResponse": {
              "fields": {
                "trial": {
                  "type": "Trial",
                  "id": 1
                }
              }
            },
            "ListOptimalTrialsRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                }
              }
            },
            "ListOptimalTrialsResponse": {
              "fields": {
                "optimalTrials": {
                  "rule": "repeated",
                  "type": "Trial",
                  "id": 1
                },
                "feasibleTrialCount": {
                  "type": "int64",
                  "id": 2
                },
                "completedTrialCount": {
                  "type": "int64",
                  "id": 3
                }
              }
            },
            "CheckTrialEarlyStoppingRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "clientId": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "CheckTrialEarlyStoppingResponse": {
              "fields": {
                "shouldStop": {
                  "type": "bool",
                  "id": 1
                },
                "reason": {
                  "type": "string",
                  "id": 2
                },
                "trial": {
                  "type": "Trial",
                  "id": 3
                },
                "leaseLost": {
                  "type": "bool",
                  "id": 4
                }
              }
            },
            "StopTrialRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                }
              }
            },
            "StopTrialResponse": {
              "fields": {
                "trial": {
                  "type": "Trial",
                  "id": 1
                }
              }
            },
            "ComputeParameterImportanceRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "metric": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "ImportanceMethod": {
              "values": {
                "IMPORTANCE_METHOD_UNSPECIFIED": 0,
                "IMPORTANCE_METHOD_GP_SOBOL": 1,
                "IMPORTANCE_METHOD_CORRELATION_RATIO": 2
              }
            },
            "ParameterImportance": {
              "oneofs": {
                "_totalEffect": {
                  "oneof": [
                    "totalEffect"
                  ]
                }
              },
              "fields": {
                "parameter": {
                  "type": "string",
                  "id": 1
                },
                "importance": {
                  "type": "double",
                  "id": 2
                },
                "firstOrder": {
                  "type": "double",
                  "id": 3
                },
                "totalEffect": {
                  "type": "double",
                  "id": 4,
                  "options": {
                    "proto3_optional": true
                  }
                }
              }
            },
            "ComputeParameterImportanceResponse": {
              "fields": {
                "importances": {
                  "rule": "repeated",
                  "type": "ParameterImportance",
                  "id": 1
                },
                "method": {
                  "type": "ImportanceMethod",
                  "id": 2
                },
                "metric": {
                  "type": "string",
                  "id": 3
                },
                "trialCount": {
                  "type": "int64",
                  "id": 4
                }
              }
            },
            "Trial": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "id": {
                  "type": "int64",
                  "id": 2
                },
                "parameters": {
                  "keyType": "string",
                  "type": "ParameterValue",
                  "id": 3
                },
                "state": {
                  "type": "TrialState",
                  "id": 4
                },
                "clientId": {
                  "type": "string",
                  "id": 5
                },
                "measurements": {
                  "rule": "repeated",
                  "type": "Measurement",
                  "id": 6
                },
                "finalMeasurement": {
                  "type": "Measurement",
                  "id": 7
                },
                "infeasibilityReason": {
                  "type": "string",
                  "id": 8
                },
                "metadata": {
                  "keyType": "string",
                  "type": "string",
                  "id": 9
                },
                "createTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 10
                },
                "startTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 11
                },
                "completeTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 12
                },
                "leaseExpireTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 13
                }
              }
            },
            "TrialState": {
              "values": {
                "TRIAL_STATE_UNSPECIFIED": 0,
                "TRIAL_STATE_REQUESTED": 1,
                "TRIAL_STATE_ACTIVE": 2,
                "TRIAL_STATE_STOPPING": 3,
                "TRIAL_STATE_COMPLETED": 4,
                "TRIAL_STATE_INFEASIBLE": 5
              }
            },
            "ParameterValue": {
              "oneofs": {
                "kind": {
                  "oneof": [
                    "doubleValue",
                    "intValue",
                    "stringValue"
                  ]
                }
              },
              "fields": {
                "doubleValue": {
                  "type": "double",
                  "id": 1
                },
                "intValue": {
                  "type": "int64",
                  "id": 2
                },
                "stringValue": {
                  "type": "string",
                  "id": 3
                }
              }
            },
            "Measurement": {
              "fields": {
                "metrics": {
                  "keyType": "string",
                  "type": "double",
                  "id": 1
                },
                "step": {
                  "type": "int64",
                  "id": 2
                },
                "elapsedSeconds": {
                  "type": "double",
                  "id": 3
                }
              }
            },
            "TeamService": {
              "methods": {
                "GetTeam": {
                  "requestType": "GetTeamRequest",
                  "responseType": "GetTeamResponse"
                },
                "CreateToken": {
                  "requestType": "CreateTokenRequest",
                  "responseType": "CreateTokenResponse"
                },
                "ListTokens": {
                  "requestType": "ListTokensRequest",
                  "responseType": "ListTokensResponse"
                },
                "RevokeToken": {
                  "requestType": "RevokeTokenRequest",
                  "responseType": "RevokeTokenResponse"
                }
              }
            },
            "Team": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "quotas": {
                  "type": "TeamQuotas",
                  "id": 2
                },
                "createTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 3
                }
              }
            },
            "TeamQuotas": {
              "fields": {
                "maxActiveStudies": {
                  "type": "int64",
                  "id": 1
                },
                "maxTrialsPerStudy": {
                  "type": "int64",
                  "id": 2
                },
                "maxSuggestRequestsPerSecond": {
                  "type": "double",
                  "id": 3
                }
              }
            },
            "Role": {
              "values": {
                "ROLE_UNSPECIFIED": 0,
                "ROLE_READER": 1,
                "ROLE_WRITER": 2,
                "ROLE_ADMIN": 3
              }
            },
            "Token": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                },
                "role": {
                  "type": "Role",
                  "id": 2
                },
                "description": {
                  "type": "string",
                  "id": 3
                },
                "createTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 4
                },
                "expireTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 5
                },
                "revokeTime": {
                  "type": "google.protobuf.Timestamp",
                  "id": 6
                }
              }
            },
            "GetTeamRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                }
              }
            },
            "GetTeamResponse": {
              "fields": {
                "team": {
                  "type": "Team",
                  "id": 1
                }
              }
            },
            "CreateTokenRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "role": {
                  "type": "Role",
                  "id": 2
                },
                "description": {
                  "type": "string",
                  "id": 3
                },
                "timeToLive": {
                  "type": "google.protobuf.Duration",
                  "id": 4
                },
                "requestId": {
                  "type": "string",
                  "id": 5
                }
              }
            },
            "CreateTokenResponse": {
              "fields": {
                "token": {
                  "type": "Token",
                  "id": 1
                },
                "secret": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "ListTokensRequest": {
              "fields": {
                "parent": {
                  "type": "string",
                  "id": 1
                },
                "pageSize": {
                  "type": "int32",
                  "id": 2
                },
                "pageToken": {
                  "type": "string",
                  "id": 3
                }
              }
            },
            "ListTokensResponse": {
              "fields": {
                "tokens": {
                  "rule": "repeated",
                  "type": "Token",
                  "id": 1
                },
                "nextPageToken": {
                  "type": "string",
                  "id": 2
                }
              }
            },
            "RevokeTokenRequest": {
              "fields": {
                "name": {
                  "type": "string",
                  "id": 1
                }
              }
            },
            "RevokeTokenResponse": {
              "fields": {
                "token": {
                  "type": "Token",
                  "id": 1
                }
              }
            }
          }
        }
      }
    },
    "google": {
      "nested": {
        "protobuf": {
          "nested": {
            "Duration": {
              "fields": {
                "seconds": {
                  "type": "int64",
                  "id": 1
                },
                "nanos": {
                  "type": "int32",
                  "id": 2
                }
              }
            },
            "Timestamp": {
              "fields": {
                "seconds": {
                  "type": "int64",
                  "id": 1
                },
                "nanos": {
                  "type": "int32",
                  "id": 2
                }
              }
            },
            "FieldMask": {
              "fields": {
                "paths": {
                  "rule": "repeated",
                  "type": "string",
                  "id": 1
                }
              }
            }
          }
        }
      }
    }
  }
};
