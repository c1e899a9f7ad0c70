"""exporters.core.model: the pydantic subset the config models use (issue 16, footprint)."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import pytest

from exporters.core.model import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

EXPORTERS = ("backup", "certs", "firebird", "firewall", "mssql", "ti", "ups")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inner(Strict):
    port: int = Field(default=1, ge=1, le=100)
    password: SecretStr | None = None


class Outer(Strict):
    name: str
    ratio: float = 0.5
    enabled: bool = True
    mode: Literal["a", "b"] = "a"
    inner: Inner = Inner()
    items: list[str] = []
    by_name: dict[str, Inner] = {}
    pair: tuple[int, ...] = ()
    when: dt.date | None = None
    where: Path | None = None
    counter: ClassVar[int] = 0


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[tuple[Any, ...], str, str]]:
    return [(e["loc"], e["msg"], e["type"]) for e in exc.value.errors()]


def test_valid_input_with_defaults_and_lax_coercion() -> None:
    model = Outer.model_validate(
        {
            "name": "x",
            "ratio": 2,
            "enabled": "yes",
            "inner": {"port": "5", "password": "pw"},
            "items": ("a", "b"),
            "by_name": {"k": {}},
            "pair": [1, 2],
            "when": "2026-03-31",
            "where": "/tmp/x",
        }
    )
    assert model.ratio == 2.0 and isinstance(model.ratio, float)
    assert model.enabled is True
    assert model.inner.port == 5
    assert model.items == ["a", "b"]
    assert model.by_name["k"] == Inner()
    assert model.pair == (1, 2)
    assert model.when == dt.date(2026, 3, 31)
    assert model.where == Path("/tmp/x")
    assert "counter" not in Outer.model_fields
    assert set(Outer.model_fields) >= {"name", "inner", "when"}


def test_mutable_defaults_are_not_shared() -> None:
    class Bag(BaseModel):
        items: list[str] = []
        made: list[int] = Field(default_factory=lambda: [1])

    first, second = Bag(), Bag()
    first.items.append("x")
    first.made.append(2)
    assert second.items == [] and second.made == [1]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, [(("name",), "Field required", "missing")]),
        (
            {"name": "x", "nmae": "y"},
            [(("nmae",), "Extra inputs are not permitted", "extra_forbidden")],
        ),
        (
            {"name": "x", "inner": {"port": "eighty"}},
            [
                (
                    ("inner", "port"),
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                )
            ],
        ),
        (
            {"name": "x", "inner": {"port": 101}},
            [
                (
                    ("inner", "port"),
                    "Input should be less than or equal to 100",
                    "less_than_equal",
                )
            ],
        ),
        (
            {"name": "x", "inner": {"port": 0}},
            [
                (
                    ("inner", "port"),
                    "Input should be greater than or equal to 1",
                    "greater_than_equal",
                )
            ],
        ),
        (
            {"name": "x", "inner": {"port": 2.5}},
            [
                (
                    ("inner", "port"),
                    "Input should be a valid integer, got a number with a fractional part",
                    "int_from_float",
                )
            ],
        ),
        ({"name": "x", "mode": "c"}, [(("mode",), "Input should be 'a' or 'b'", "literal_error")]),
        ({"name": 5}, [(("name",), "Input should be a valid string", "string_type")]),
        (
            {"name": "x", "ratio": "fast"},
            [
                (
                    ("ratio",),
                    "Input should be a valid number, unable to parse string as a number",
                    "float_parsing",
                )
            ],
        ),
        (
            {"name": "x", "enabled": "maybe"},
            [
                (
                    ("enabled",),
                    "Input should be a valid boolean, unable to interpret input",
                    "bool_parsing",
                )
            ],
        ),
        (
            {"name": "x", "items": "abc"},
            [(("items",), "Input should be a valid list", "list_type")],
        ),
        (
            {"name": "x", "items": ["a", 1]},
            [(("items", 1), "Input should be a valid string", "string_type")],
        ),
        (
            {"name": "x", "by_name": {"k": {"port": "x", "extra": 1}}},
            [
                (
                    ("by_name", "k", "port"),
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                ),
                (("by_name", "k", "extra"), "Extra inputs are not permitted", "extra_forbidden"),
            ],
        ),
        (
            {"name": "x", "by_name": {1: {}}},
            [(("by_name", 1, "[key]"), "Input should be a valid string", "string_type")],
        ),
        (
            {"name": "x", "by_name": [1]},
            [(("by_name",), "Input should be a valid dictionary", "dict_type")],
        ),
        (
            {"name": "x", "inner": 5},
            [
                (
                    ("inner",),
                    "Input should be a valid dictionary or instance of Inner",
                    "model_type",
                )
            ],
        ),
    ],
)
def test_errors_name_the_key_path(data: dict[str, Any], expected: list[Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        Outer.model_validate(data)
    assert errors(exc) == expected
    assert exc.value.error_count() == len(expected)
    assert str(exc.value).startswith(f"{len(expected)} validation error")


def test_int_field_takes_no_fraction_and_float_takes_int() -> None:
    assert Inner(port=True).port == 1  # pydantic's lax mode does the same
    assert Outer(name="n", ratio=1).ratio == 1.0


def test_secrets_never_appear_in_errors_or_repr() -> None:
    model = Inner(password="hunter2-secret")
    assert isinstance(model.password, SecretStr)
    assert model.password.get_secret_value() == "hunter2-secret"
    assert "hunter2" not in repr(model) and "hunter2" not in str(model)
    assert repr(SecretStr("x")) == "SecretStr('**********')" and str(SecretStr("")) == ""
    with pytest.raises(ValidationError) as exc:
        Outer.model_validate({"name": "x", "inner": {"port": "hunter2-port", "password": ["a"]}})
    text = str(exc.value) + repr(exc.value.errors())
    assert "hunter2" not in text
    assert [e["loc"] for e in exc.value.errors()] == [("inner", "port"), ("inner", "password")]
    assert all("input" not in e for e in exc.value.errors())


def test_frozen_models_refuse_assignment_and_hash() -> None:
    model = Inner(port=3)
    with pytest.raises(ValidationError, match="frozen"):
        model.port = 4  # type: ignore[misc]
    assert hash(model) == hash(Inner(port=3))
    assert model == Inner(port=3) and model != Inner(port=4)
    copied = model.model_copy(update={"port": 9})
    assert copied.port == 9 and model.port == 3


class Calls(BaseModel):
    """Records the order in which validators run."""

    model_config = ConfigDict(extra="forbid")

    a: Annotated[
        str,
        BeforeValidator(lambda v: f"{v}|ann-before"),
        AfterValidator(lambda v: f"{v}|ann-after"),
    ]
    b: int = 0
    seen: list[str] = []

    @field_validator("a", mode="before")
    @classmethod
    def _before(cls, value: Any) -> Any:
        return f"{value}|field-before"

    @field_validator("a")
    @classmethod
    def _after(cls, value: str) -> str:
        return f"{value}|field-after"

    @field_validator("b")
    @classmethod
    def _b_sees_a(cls, value: int, info: ValidationInfo) -> int:
        assert info.field_name == "b"
        assert info.data["a"].startswith("raw")
        return value + len(info.context or ())

    @model_validator(mode="before")
    @classmethod
    def _model_before(cls, data: Any, info: ValidationInfo) -> Any:
        return {**data, "seen": ["model-before", str(info.context)]}

    @model_validator(mode="after")
    def _model_after(self) -> Calls:
        self.seen.append("model-after")
        return self


def test_validator_order_and_info() -> None:
    model = Calls.model_validate({"a": "raw", "b": 1}, context=("x", "y"))
    assert model.a == "raw|field-before|ann-before|ann-after|field-after"
    assert model.b == 3
    assert model.seen == ["model-before", "('x', 'y')", "model-after"]


def test_validator_errors_become_value_errors_at_the_key() -> None:
    class Checked(BaseModel):
        size: int

        @field_validator("size")
        @classmethod
        def _small(cls, value: int) -> int:
            if value > 3:
                raise ValueError("size must be at most 3")
            return value

        @model_validator(mode="after")
        def _odd(self) -> Checked:
            assert self.size % 2, "size must be odd"
            return self

    with pytest.raises(ValidationError) as exc:
        Checked(size=4)
    assert errors(exc) == [(("size",), "Value error, size must be at most 3", "value_error")]
    with pytest.raises(ValidationError) as exc:
        Checked(size=2)
    ((loc, msg, kind),) = errors(exc)  # pytest rewrites the assert: msg has more lines
    assert (loc, kind) == ((), "assertion_error")
    assert msg.startswith("Assertion failed, size must be odd")


def test_defaults_are_not_validated() -> None:
    class Lazy(BaseModel):
        value: int = -1

        @field_validator("value")
        @classmethod
        def _positive(cls, value: int) -> int:
            raise ValueError("never for the default")

    assert Lazy().value == -1


def test_validator_for_unknown_field_is_a_definition_error() -> None:
    class Typo(BaseModel):
        value: int = 0

        @field_validator("valeu")
        @classmethod
        def _check(cls, value: int) -> int:
            return value

    with pytest.raises(TypeError, match="valeu"):
        Typo()


class Cat(Strict):
    type: Literal["cat"]
    lives: int = 9


class Dog(Strict):
    type: Literal["dog", "hound"]
    good: bool = True


Pet = Annotated[Cat | Dog, Field(discriminator="type")]


class Home(Strict):
    pets: dict[str, Pet] = {}


def test_discriminated_union_picks_the_model_by_type() -> None:
    home = Home.model_validate(
        {"pets": {"a": {"type": "cat"}, "b": {"type": "hound", "good": "no"}}}
    )
    assert isinstance(home.pets["a"], Cat) and home.pets["a"].lives == 9
    assert isinstance(home.pets["b"], Dog) and home.pets["b"].good is False


@pytest.mark.parametrize(
    ("pet", "expected"),
    [
        (
            {"type": "cow"},
            (
                ("pets", "a"),
                "Input tag 'cow' found using 'type' does not match any of the expected tags: "
                "'cat', 'dog', 'hound'",
                "union_tag_invalid",
            ),
        ),
        (
            {"lives": 3},
            (
                ("pets", "a"),
                "Unable to extract tag using discriminator 'type'",
                "union_tag_not_found",
            ),
        ),
        (
            {"type": "cat", "lives": "many"},
            (
                ("pets", "a", "cat", "lives"),
                "Input should be a valid integer, unable to parse string as an integer",
                "int_parsing",
            ),
        ),
        (
            {"type": "dog", "barks": True},
            (("pets", "a", "dog", "barks"), "Extra inputs are not permitted", "extra_forbidden"),
        ),
        ({"type": ["cat"]}, None),
        ("cat", None),
    ],
)
def test_discriminated_union_errors(pet: Any, expected: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        Home.model_validate({"pets": {"a": pet}})
    if expected is not None:
        assert errors(exc) == [expected]
    else:
        assert errors(exc)[0][0] == ("pets", "a")


def test_plain_union_tries_each_member() -> None:
    class Level(BaseModel):
        level: int | dict[str, int] | None = None

    assert Level(level=110).level == 110
    assert Level(level={"*": 150}).level == {"*": 150}
    assert Level(level=None).level is None
    with pytest.raises(ValidationError) as exc:
        Level(level=[1])
    assert [e["loc"] for e in exc.value.errors()] == [("level", "int"), ("level", "dict[str,int]")]


def test_list_length_limit() -> None:
    class Few(BaseModel):
        hosts: list[str] = Field(default_factory=list, max_length=2)

    with pytest.raises(ValidationError) as exc:
        Few(hosts=["a", "b", "c"])
    assert errors(exc) == [
        (("hosts",), "List should have at most 2 items after validation, not 3", "too_long")
    ]


TargetT = TypeVar("TargetT", bound=BaseModel)


class Generic_(BaseModel, Generic[TargetT]):
    targets: dict[str, TargetT] = {}


class CatConfig(Generic_[Cat]):
    pass


def test_generic_models_validate_the_type_argument() -> None:
    config = CatConfig.model_validate({"targets": {"a": {"type": "cat", "lives": "3"}}})
    assert config.targets["a"] == Cat(type="cat", lives=3)
    with pytest.raises(ValidationError) as exc:
        CatConfig.model_validate({"targets": {"a": {"type": "dog"}}})
    assert errors(exc)[0][:2] == (("targets", "a", "type"), "Input should be 'cat'")


def test_instances_are_accepted_as_they_are() -> None:
    inner = Inner(port=7)
    assert Outer(name="n", inner=inner).inner is inner
    assert Inner.model_validate(inner) is inner


def test_copies_and_pickles_keep_fields_and_secrets() -> None:
    model = Outer(name="n", inner=Inner(password="pw-123"), items=["a"])
    for other in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):  # noqa: S301
        assert other == model and other is not model
        assert other.inner.password is not None
        assert other.inner.password.get_secret_value() == "pw-123"


def test_ignored_extra_keys_by_default() -> None:
    class Loose(BaseModel):
        a: int = 0

    assert Loose.model_validate({"a": 1, "b": 2}).a == 1


@pytest.mark.parametrize("name", EXPORTERS)
def test_starting_an_exporter_does_not_import_pydantic(name: str) -> None:
    """pydantic (with pydantic_core and the schemas) cost over 10 MiB per process."""
    code = (
        "import sys, importlib\n"
        f"importlib.import_module('exporters.{name}.__main__')\n"
        "import exporters.core.runtime\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pydantic')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == "[]"
