"""Search space <-> model inputs: every parameter type, conditional spaces."""

from __future__ import annotations

import random

import pytest

from sibyl_server.domain.study import ParameterSpec, ScaleType
from sibyl_server.domain.validation import check_parameters
from sibyl_server.engine.gp.encoding import INACTIVE, SearchSpaceEncoding
from sibyl_server.engine.sampling import decode_unit_value
from tests.server.engine.gp.studies import LOSS, MIXED, conditional_space, gp_spec


def test_encoding_round_trips_every_parameter_type() -> None:
    encoding = SearchSpaceEncoding(MIXED)
    values = {
        "lr": 0.003,
        "dropout": 0.25,
        "layers": 4,
        "units": 100,
        "batch": 64,
        "opt": "rmsprop",
    }
    row = encoding.encode(values)
    assert all(0.0 <= x <= upper for x, upper in zip(row, encoding.upper_bounds(), strict=True))
    decoded = encoding.decode(row)
    assert decoded["lr"] == pytest.approx(0.003)
    assert {k: v for k, v in decoded.items() if k != "lr"} == {
        k: v for k, v in values.items() if k != "lr"
    }


def test_any_point_of_the_box_decodes_to_valid_values() -> None:
    encoding = SearchSpaceEncoding(MIXED)
    spec = gp_spec(MIXED, LOSS)
    rng = random.Random(0)
    for _ in range(200):
        row = [rng.uniform(-0.1, upper + 0.1) for upper in encoding.upper_bounds()]
        parameters = encoding.decode(row)
        assert check_parameters(spec, parameters, "p") == parameters


@pytest.mark.parametrize("low, high", [(3e-4, 3e-2), (1e-7, 1e-1), (0.1, 0.3)])
@pytest.mark.parametrize("scale", [ScaleType.LOG, ScaleType.LINEAR])
def test_the_ends_of_the_box_decode_to_the_exact_bounds(
    low: float, high: float, scale: ScaleType
) -> None:
    # exp(log(0.03)) is 0.029999999999999995: a corner the optimizer ends at must give
    # the bound itself, as a trial entered at the bound has.
    encoding = SearchSpaceEncoding((ParameterSpec.double("lr", low, high, scale),))
    assert encoding.decode([0.0]) == {"lr": low}
    assert encoding.decode([1.0]) == {"lr": high}
    assert decode_unit_value(ParameterSpec.double("lr", low, high, scale), 0.0) == low


def test_discrete_and_integer_columns_may_only_take_valid_encodings() -> None:
    encoding = SearchSpaceEncoding(MIXED)
    discrete = encoding.discrete_dims
    # layers (6 values) and batch; units (505 values) is optimized relaxed, then rounded.
    assert sorted(discrete) == [2, 4]
    assert len(discrete[4]) == 4
    assert encoding.categorical_dims == {5: [0.0, 1.0, 2.0]}


def test_conditional_spaces_encode_inactive_parameters_at_a_fixed_value() -> None:
    encoding = SearchSpaceEncoding(conditional_space())
    assert encoding.encode({"optimizer": "sgd", "momentum": 0.99}) == [0.0, 1.0, INACTIVE]
    assert encoding.decode([1.0, 0.7, 0.5]) == {"optimizer": "adam", "beta1": 0.7495}


def test_active_mask_follows_the_parents_columns() -> None:
    encoding = SearchSpaceEncoding(conditional_space())
    rows = [[0.0, 0.3, 0.8], [1.0, 0.3, 0.8]]
    assert encoding.active_mask(rows) == [[True, True, False], [True, False, True]]
