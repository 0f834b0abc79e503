/** Parameter values as plain JavaScript numbers and strings, following each parameter's type. */
import type { ParameterValue as ParameterValueMessage } from "./generated/sibyl/v1/ParameterValue";
import type { ParameterValue__Output } from "./generated/sibyl/v1/ParameterValue";
import type { StudySpec__Output } from "./generated/sibyl/v1/StudySpec";

/** A parameter's value: a number (DOUBLE, INTEGER, DISCRETE) or a string (CATEGORICAL). */
export type ParameterValue = number | string;

/** Parameter name to value. */
export type Parameters = Record<string, ParameterValue>;

/** JavaScript values <-> ParameterValue messages, for one study's spec. */
export class ValueCodec {
  private readonly domains: ReadonlyMap<string, string | undefined>;

  constructor(spec: StudySpec__Output) {
    this.domains = new Map(spec.parameters.map((p) => [p.name, p.domain]));
  }

  /** The value of a ParameterValue: INTEGER values (int64 strings on the wire) become numbers. */
  toValue(value: ParameterValue__Output): ParameterValue {
    switch (value.kind) {
      case "doubleValue":
        return value.doubleValue ?? 0;
      case "intValue":
        return Number(value.intValue ?? 0);
      case "stringValue":
        return value.stringValue ?? "";
      default:
        return 0;
    }
  }

  /** The messages of `parameters`: strings for CATEGORICAL, int_value for integral INTEGER values. */
  toMessages(parameters: Readonly<Parameters>): Record<string, ParameterValueMessage> {
    const result: Record<string, ParameterValueMessage> = {};
    for (const [name, value] of Object.entries(parameters)) {
      const domain = this.domains.get(name);
      if (domain === "categoricalValues" || typeof value === "string") {
        result[name] = { stringValue: String(value) };
      } else if (domain === "integerRange" && Number.isInteger(value)) {
        result[name] = { intValue: value };
      } else {
        result[name] = { doubleValue: value };
      }
    }
    return result;
  }
}
