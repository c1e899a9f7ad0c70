"""Config validation: the small part of pydantic v2's API that the config models use.

Why not pydantic: an exporter must stay below 40 MiB RSS (issue 16), and pydantic with
pydantic_core and the compiled schemas of our ~46 models cost more than 10 MiB of that.
The configs are small and validated once per (re)load, so plain Python is fast enough.

Supported: `BaseModel` subclasses with (string) annotations, `ConfigDict(extra, frozen)`,
`Field(default, default_factory, ge, gt, le, lt, min_length, max_length, discriminator)`,
`field_validator` / `model_validator` (before/after), `Annotated[..., BeforeValidator(f)]`
and `AfterValidator(f)`, `Literal`, unions (also discriminated by a `Literal` field),
`list`/`tuple`/`set`/`dict`, nested models, generic models (`ExporterConfig[UpsTarget]`),
`str`, `int`, `float`, `bool`, `SecretStr`, `Path`, `datetime.date`. Coercion follows
pydantic's lax mode for these types. Errors carry pydantic's `loc`, `msg` and `type`, but
never the input (a config value may be a secret).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    TypedDict,
    TypeVar,
    Union,
    dataclass_transform,
    get_args,
    get_origin,
)

__all__ = [
    "AfterValidator",
    "BaseModel",
    "BeforeValidator",
    "ConfigDict",
    "Field",
    "FieldInfo",
    "SecretStr",
    "ValidationError",
    "ValidationInfo",
    "field_validator",
    "model_validator",
]

Loc = tuple[str | int, ...]
ErrorTuple = tuple[Loc, str, str]
"""(loc, msg, type) of one problem; the input is never kept."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class SecretStr:
    """A string whose repr and str hide the value; read it with `get_secret_value()`."""

    __slots__ = ("_secret_value",)

    def __init__(self, secret_value: str) -> None:
        self._secret_value = secret_value

    def get_secret_value(self) -> str:
        return self._secret_value

    def _display(self) -> str:
        return "**********" if self._secret_value else ""

    def __str__(self) -> str:
        return self._display()

    def __repr__(self) -> str:
        return f"SecretStr({self._display()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._secret_value == self._secret_value

    def __hash__(self) -> int:
        return hash(self._secret_value)

    def __len__(self) -> int:
        return len(self._secret_value)


class ValidationError(ValueError):
    """Invalid input: one entry per problem in `errors()`, each naming the key path."""

    def __init__(self, title: str, errors: list[ErrorTuple]) -> None:
        super().__init__(title, errors)
        self.title = title
        self._errors = errors

    def errors(
        self,
        *,
        include_url: bool = True,
        include_context: bool = True,
        include_input: bool = True,
    ) -> list[dict[str, Any]]:
        """Like pydantic's; there is never an `input` or `url` key (inputs are not kept)."""
        return [{"type": kind, "loc": loc, "msg": msg} for loc, msg, kind in self._errors]

    def error_count(self) -> int:
        return len(self._errors)

    def __str__(self) -> str:
        count = len(self._errors)
        lines = [f"{count} validation error{'s' if count != 1 else ''} for {self.title}"]
        for loc, msg, kind in self._errors:
            if loc:
                lines.append(".".join(str(p) for p in loc))
            lines.append(f"  {msg} [type={kind}]")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"ValidationError({str(self)!r})"


class _Fail(Exception):
    """Internal: problems found below some point; callers prefix their own loc."""

    def __init__(self, errors: list[ErrorTuple]) -> None:
        super().__init__()
        self.errors = errors


def _fail(msg: str, kind: str) -> _Fail:
    return _Fail([((), msg, kind)])


def _prefix(key: str | int, errors: list[ErrorTuple]) -> list[ErrorTuple]:
    return [((key, *loc), msg, kind) for loc, msg, kind in errors]


class ConfigDict(TypedDict, total=False):
    """Model settings: `extra` ("forbid" or "ignore"), `frozen`; inputs are never shown."""

    extra: Literal["forbid", "ignore"]
    frozen: bool
    hide_input_in_errors: bool


class ValidationInfo:
    """What a validator may ask for: the `context` given to `model_validate`, the fields
    validated so far (`data`) and the field's name."""

    __slots__ = ("context", "data", "field_name")

    def __init__(self, context: Any, data: dict[str, Any], field_name: str | None) -> None:
        self.context = context
        self.data = data
        self.field_name = field_name

    @property
    def mode(self) -> str:
        return "python"


class FieldInfo:
    """A field's default and constraints, from `Field(...)` and the annotation."""

    __slots__ = (
        "annotation",
        "default",
        "default_factory",
        "discriminator",
        "ge",
        "gt",
        "le",
        "lt",
        "max_length",
        "min_length",
    )

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Callable[[], Any] | None = None,
        ge: float | None = None,
        gt: float | None = None,
        le: float | None = None,
        lt: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        discriminator: str | None = None,
    ) -> None:
        if default is not MISSING and default_factory is not None:
            raise TypeError("give either default or default_factory, not both")
        self.annotation: Any = None
        self.default = default
        self.default_factory = default_factory
        self.ge = ge
        self.gt = gt
        self.le = le
        self.lt = lt
        self.min_length = min_length
        self.max_length = max_length
        self.discriminator = discriminator

    def is_required(self) -> bool:
        return self.default is MISSING and self.default_factory is None

    def get_default(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        if isinstance(self.default, list | dict | set):
            return copy.deepcopy(self.default)
        return self.default

    def __repr__(self) -> str:
        return f"FieldInfo(annotation={self.annotation!r}, required={self.is_required()})"


def Field(
    default: Any = MISSING,
    *,
    default_factory: Callable[[], Any] | None = None,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    discriminator: str | None = None,
) -> Any:
    """A field's default and constraints (typed `Any` so `x: int = Field(...)` checks)."""
    return FieldInfo(
        default, default_factory, ge, gt, le, lt, min_length, max_length, discriminator
    )


class BeforeValidator:
    """`Annotated[T, BeforeValidator(f)]`: `f(raw)` runs before `T` is validated."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func


class AfterValidator:
    """`Annotated[T, AfterValidator(f)]`: `f(value)` runs on the validated `T`."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func


_F = TypeVar("_F")


class _Decorated:
    """A validator method marked by `field_validator` / `model_validator`."""

    def __init__(self, wrapped: Any, kind: str, mode: str, fields: tuple[str, ...]) -> None:
        self.wrapped = wrapped
        self.kind = kind
        self.mode = mode
        self.fields = fields
        func = wrapped.__func__ if isinstance(wrapped, classmethod | staticmethod) else wrapped
        self.func: Callable[..., Any] = func
        self.static = isinstance(wrapped, staticmethod)
        self.argcount = _argcount(func) - (0 if self.static else 1)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self.wrapped.__get__(obj, owner)


def _argcount(func: Any) -> int:
    code = getattr(func, "__code__", None)
    if code is None:
        return 1
    count: int = code.co_argcount
    return count - 1 if isinstance(func, types.MethodType) else count


def field_validator(
    field: str, /, *fields: str, mode: Literal["before", "after"] = "after"
) -> Callable[[_F], _F]:
    """Mark a classmethod `(cls, value[, info])` that validates the named fields."""

    def mark(func: _F) -> _F:
        marked: Any = _Decorated(func, "field", mode, (field, *fields))
        return marked  # type: ignore[no-any-return]

    return mark


def model_validator(*, mode: Literal["before", "after"]) -> Callable[[_F], _F]:
    """Mark a validator of the whole model: `before` is a classmethod `(cls, data[, info])`
    on the raw input, `after` an instance method `(self[, info])` returning self."""

    def mark(func: _F) -> _F:
        marked: Any = _Decorated(func, "model", mode, ())
        return marked  # type: ignore[no-any-return]

    return mark


# --- validators of types -------------------------------------------------------------

Validator = Callable[[Any, Any], Any]
"""(value, context) -> validated value; raises `_Fail`."""


def _run_user(func: Callable[..., Any], *args: Any) -> Any:
    """Call a user validator; ValueError/AssertionError become errors at this loc."""
    try:
        return func(*args)
    except ValidationError as exc:
        raise _Fail(list(exc._errors)) from None
    except ValueError as exc:
        raise _fail(f"Value error, {exc}", "value_error") from None
    except AssertionError as exc:
        raise _fail(f"Assertion failed, {exc}", "assertion_error") from None


def _any(value: Any, context: Any) -> Any:
    return value


def _str(value: Any, context: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            raise _fail(
                "Input should be a valid string, unable to parse raw data as a unicode string",
                "string_unicode",
            ) from None
    raise _fail("Input should be a valid string", "string_type")


def _secret(value: Any, context: Any) -> Any:
    if isinstance(value, SecretStr):
        return value
    return SecretStr(_str(value, context))


_INT_TEXT = re.compile(r"^[+-]?\d+(?:_\d+)*$")


def _int(value: Any, context: Any) -> Any:
    if isinstance(value, int):
        return int(value)  # bool -> 1/0 (pydantic's lax mode)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _fail("Input should be a finite number", "finite_number")
        if not value.is_integer():
            raise _fail(
                "Input should be a valid integer, got a number with a fractional part",
                "int_from_float",
            )
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 4300 and _INT_TEXT.match(text):
            return int(text)
        raise _fail(
            "Input should be a valid integer, unable to parse string as an integer", "int_parsing"
        )
    raise _fail("Input should be a valid integer", "int_type")


def _float(value: Any, context: Any) -> Any:
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise _fail("Input should be a valid number", "float_type") from None
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _fail(
                "Input should be a valid number, unable to parse string as a number",
                "float_parsing",
            ) from None
    raise _fail("Input should be a valid number", "float_type")


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _bool(value: Any, context: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if isinstance(value, int | str):
        raise _fail("Input should be a valid boolean, unable to interpret input", "bool_parsing")
    raise _fail("Input should be a valid boolean", "bool_type")


def _none(value: Any, context: Any) -> Any:
    if value is None:
        return None
    raise _fail("Input should be None", "none_required")


def _path(value: Any, context: Any) -> Any:
    if isinstance(value, PurePath):
        return Path(value)
    if isinstance(value, str):
        return Path(value)
    raise _fail("Input should be a valid path", "path_type")


_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: Any, context: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise _fail(
                "Datetimes provided to dates should have zero time - e.g. be exact dates",
                "date_from_datetime_inexact",
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if not _DATE_TEXT.match(value):
            raise _fail(
                "Input should be a valid date in the format YYYY-MM-DD",
                "date_from_datetime_parsing",
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise _fail(
                f"Input should be a valid date or datetime, {exc}", "date_from_datetime_parsing"
            ) from None
    raise _fail("Input should be a valid date", "date_type")


_SIMPLE: dict[Any, Validator] = {
    str: _str,
    int: _int,
    float: _float,
    bool: _bool,
    SecretStr: _secret,
    type(None): _none,
    None: _none,
    Any: _any,
    object: _any,
    Path: _path,
    PurePath: _path,
    dt.date: _date,
}


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _literal(allowed: tuple[Any, ...]) -> Validator:
    expected = _or_list([repr(a) for a in allowed])

    def check(value: Any, context: Any) -> Any:
        for item in allowed:
            if type(value) is type(item) and value == item:
                return item
        if isinstance(value, str):  # a str subclass
            for item in allowed:
                if isinstance(item, str) and value == item:
                    return item
        raise _fail(f"Input should be {expected}", "literal_error")

    return check


def _label(tp: Any) -> str:
    """pydantic's name of a union member (it appears in the loc of the member's errors)."""
    origin = get_origin(tp)
    if origin is Literal:
        return f"literal[{','.join(repr(a) for a in get_args(tp))}]"
    if origin is Annotated:
        return _label(get_args(tp)[0])
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{','.join(_label(a) for a in get_args(tp))}]"
    return getattr(tp, "__name__", str(tp))


def _sized(kind: str, info: FieldInfo, inner: Validator) -> Validator:
    low, high = info.min_length, info.max_length

    def check(value: Any, context: Any) -> Any:
        value = inner(value, context)
        n = len(value)
        unit = "item" if kind != "String" else "character"
        if high is not None and n > high:
            plural = "s" if high != 1 else ""
            tail = f" after validation, not {n}" if kind != "String" else ""
            raise _fail(f"{kind} should have at most {high} {unit}{plural}{tail}", "too_long")
        if low is not None and n < low:
            plural = "s" if low != 1 else ""
            tail = f" after validation, not {n}" if kind != "String" else ""
            raise _fail(f"{kind} should have at least {low} {unit}{plural}{tail}", "too_short")
        return value

    return check


def _bounded(info: FieldInfo, inner: Validator) -> Validator:
    ge, gt, le, lt = info.ge, info.gt, info.le, info.lt

    def check(value: Any, context: Any) -> Any:
        value = inner(value, context)
        if ge is not None and not value >= ge:
            raise _fail(f"Input should be greater than or equal to {ge}", "greater_than_equal")
        if gt is not None and not value > gt:
            raise _fail(f"Input should be greater than {gt}", "greater_than")
        if le is not None and not value <= le:
            raise _fail(f"Input should be less than or equal to {le}", "less_than_equal")
        if lt is not None and not value < lt:
            raise _fail(f"Input should be less than {lt}", "less_than")
        return value

    return check


def _constrained(tp: Any, info: FieldInfo, inner: Validator) -> Validator:
    if info.ge is not None or info.gt is not None or info.le is not None or info.lt is not None:
        inner = _bounded(info, inner)
    if info.min_length is not None or info.max_length is not None:
        origin = get_origin(tp) or tp
        kind = {list: "List", tuple: "Tuple", set: "Set", dict: "Dictionary"}.get(origin, "String")
        inner = _sized(kind, info, inner)
    return inner


def _with_validator(meta: BeforeValidator | AfterValidator, inner: Validator) -> Validator:
    func = meta.func
    takes_info = _argcount(func) >= 2

    def call(value: Any, context: Any) -> Any:
        if takes_info:
            return _run_user(func, value, ValidationInfo(context, {}, None))
        return _run_user(func, value)

    if isinstance(meta, BeforeValidator):

        def before(value: Any, context: Any) -> Any:
            return inner(call(value, context), context)

        return before

    def after(value: Any, context: Any) -> Any:
        return call(inner(value, context), context)

    return after


def _sequence(item: Validator, out: type) -> Validator:
    kind = out.__name__

    def check(value: Any, context: Any) -> Any:
        if not isinstance(value, list | tuple | set | frozenset):
            raise _fail(f"Input should be a valid {kind}", f"{kind}_type")
        result = []
        errors: list[ErrorTuple] = []
        for i, element in enumerate(value):
            try:
                result.append(item(element, context))
            except _Fail as exc:
                errors.extend(_prefix(i, exc.errors))
        if errors:
            raise _Fail(errors)
        return result if out is list else out(result)

    return check


def _fixed_tuple(items: list[Validator]) -> Validator:
    def check(value: Any, context: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _fail("Input should be a valid tuple", "tuple_type")
        if len(value) > len(items):
            raise _fail(
                f"Tuple should have at most {len(items)} items after validation, not {len(value)}",
                "too_long",
            )
        result = []
        errors: list[ErrorTuple] = []
        for i, validate in enumerate(items):
            if i >= len(value):
                errors.append(((i,), "Field required", "missing"))
                continue
            try:
                result.append(validate(value[i], context))
            except _Fail as exc:
                errors.extend(_prefix(i, exc.errors))
        if errors:
            raise _Fail(errors)
        return tuple(result)

    return check


def _mapping(key: Validator, val: Validator) -> Validator:
    def check(value: Any, context: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _fail("Input should be a valid dictionary", "dict_type")
        result = {}
        errors: list[ErrorTuple] = []
        for k, v in value.items():
            try:
                k2 = key(k, context)
            except _Fail as exc:
                errors.extend(_prefix(k, _prefix("[key]", exc.errors)))
                continue
            try:
                result[k2] = val(v, context)
            except _Fail as exc:
                errors.extend(_prefix(k, exc.errors))
        if errors:
            raise _Fail(errors)
        return result

    return check


def _nullable(inner: Validator) -> Validator:
    def check(value: Any, context: Any) -> Any:
        return None if value is None else inner(value, context)

    return check


def _union(members: list[tuple[Any, Validator]]) -> Validator:
    exact = {tp: v for tp, v in members if tp in (str, int, float, bool)}

    def check(value: Any, context: Any) -> Any:
        first = exact.get(type(value))
        if first is not None:
            return first(value, context)
        errors: list[ErrorTuple] = []
        for tp, validate in members:
            try:
                return validate(value, context)
            except _Fail as exc:
                errors.extend(_prefix(_label(tp), exc.errors))
        raise _Fail(errors)

    return check


def _discriminated(members: tuple[Any, ...], field: str, tvars: dict[Any, Any]) -> Validator:
    """A union of models told apart by a `Literal` field (pydantic's discriminator)."""
    table: dict[Any, type[BaseModel]] = {}
    for member in members:
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            raise TypeError(f"discriminated union member {member!r} is not a model")
        annotation = _schema(member).fields[field].info.annotation
        if get_origin(annotation) is not Literal:
            raise TypeError(f"{member.__name__}.{field} must be a Literal for the discriminator")
        for tag in get_args(annotation):
            table[tag] = member
    expected = ", ".join(repr(t) for t in table)
    classes = tuple(table.values())

    def check(value: Any, context: Any) -> Any:
        if isinstance(value, classes):
            return value
        if not isinstance(value, Mapping):
            raise _fail(
                "Input should be a valid dictionary or object to extract fields from",
                "model_attributes_type",
            )
        if field not in value:
            raise _fail(
                f"Unable to extract tag using discriminator {field!r}", "union_tag_not_found"
            )
        tag = value[field]
        try:
            model = table.get(tag)
        except TypeError:  # unhashable
            model = None
        if model is None:
            raise _fail(
                f"Input tag '{str(tag)[:60]}' found using {field!r} does not match any of the "
                f"expected tags: {expected}",
                "union_tag_invalid",
            )
        try:
            return model._validate(value, context)
        except _Fail as exc:
            raise _Fail(_prefix(str(tag), exc.errors)) from None

    return check


def _model_validator(model: type[BaseModel]) -> Validator:
    def check(value: Any, context: Any) -> Any:
        return model._validate(value, context)

    return check


def _compile(tp: Any, tvars: dict[Any, Any]) -> Validator:
    """The validator for annotation `tp` (type variables replaced through `tvars`)."""
    if isinstance(tp, TypeVar):
        bound = tvars.get(tp, tp.__bound__ if tp.__bound__ is not None else Any)
        return _compile(bound, tvars)
    simple = _SIMPLE.get(tp) if _hashable(tp) else None
    if simple is not None:
        return simple
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_validator(tp)
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is Annotated:
        base, *metadata = args
        infos = [m for m in metadata if isinstance(m, FieldInfo)]
        discriminator = next((i.discriminator for i in infos if i.discriminator), None)
        if discriminator is not None:
            members = get_args(base)
            if get_origin(base) not in (Union, types.UnionType):
                raise TypeError("a discriminator needs a union of models")
            validator = _discriminated(members, discriminator, tvars)
        else:
            validator = _compile(base, tvars)
        for info in infos:
            validator = _constrained(base, info, validator)
        for meta in metadata:
            if isinstance(meta, BeforeValidator | AfterValidator):
                validator = _with_validator(meta, validator)
        return validator
    if origin is Literal:
        return _literal(args)
    if origin in (Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        inner = (
            _compile(rest[0], tvars)
            if len(rest) == 1
            else _union([(a, _compile(a, tvars)) for a in rest])
        )
        return _nullable(inner) if len(rest) < len(args) else inner
    if origin in (list, set, frozenset):
        return _sequence(_compile(args[0] if args else Any, tvars), origin)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(_compile(args[0], tvars), tuple)
        if not args:
            return _sequence(_any, tuple)
        return _fixed_tuple([_compile(a, tvars) for a in args])
    if origin in (dict, Mapping):
        key, val = args if args else (Any, Any)
        return _mapping(_compile(key, tvars), _compile(val, tvars))
    if tp in (list, set, frozenset, tuple):
        return _sequence(_any, tp)
    if tp is dict:
        return _mapping(_any, _any)
    raise TypeError(f"unsupported annotation {tp!r}")


def _hashable(tp: Any) -> bool:
    try:
        hash(tp)
    except TypeError:
        return False
    return True


# --- models --------------------------------------------------------------------------


class _Field:
    __slots__ = ("info", "name", "validate")

    def __init__(self, name: str, info: FieldInfo, validate: Callable[..., Any]) -> None:
        self.name = name
        self.info = info
        self.validate = validate


class _Schema:
    """A model class's compiled fields and validators (built on first use)."""

    def __init__(
        self,
        fields: dict[str, _Field],
        before: list[_Decorated],
        after: list[_Decorated],
        config: ConfigDict,
    ) -> None:
        self.fields = fields
        self.before = before
        self.after = after
        self.forbid = config.get("extra", "ignore") == "forbid"
        self.frozen = bool(config.get("frozen", False))


def _type_vars(cls: type) -> dict[Any, Any]:
    """TypeVar -> argument, from `class C(Base[Arg])` anywhere in the MRO."""
    mapping: dict[Any, Any] = {}
    for klass in cls.__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = get_origin(base)
            params = getattr(origin, "__parameters__", ())
            for param, arg in zip(params, get_args(base), strict=False):
                if param not in mapping:
                    mapping[param] = mapping.get(arg, arg) if isinstance(arg, TypeVar) else arg
    return mapping


def _field_pipeline(
    cls: type, name: str, validate: Validator, decorators: list[_Decorated]
) -> Callable[[Any, Any, dict[str, Any]], Any]:
    """The field's type validator wrapped in its `field_validator`s, pydantic's order:
    `before` ones last defined first, then the type, then `after` ones in order."""
    befores = [d for d in reversed(decorators) if d.mode == "before"]
    afters = [d for d in decorators if d.mode == "after"]
    if not befores and not afters:
        return lambda value, context, data: validate(value, context)

    def call(d: _Decorated, value: Any, context: Any, data: dict[str, Any]) -> Any:
        args: list[Any] = [] if d.static else [cls]
        args.append(value)
        if d.argcount >= 2:
            args.append(ValidationInfo(context, data, name))
        return _run_user(d.func, *args)

    def run(value: Any, context: Any, data: dict[str, Any]) -> Any:
        for d in befores:
            value = call(d, value, context, data)
        value = validate(value, context)
        for d in afters:
            value = call(d, value, context, data)
        return value

    return run


def _schema(cls: type[BaseModel]) -> _Schema:
    schema = cls.__dict__.get("__model_schema__")
    if schema is None:
        schema = _build(cls)
        type.__setattr__(cls, "__model_schema__", schema)
    return schema


def _build(cls: type[BaseModel]) -> _Schema:
    tvars = _type_vars(cls)
    models = [k for k in reversed(cls.__mro__) if issubclass(k, BaseModel) and k is not BaseModel]
    config: ConfigDict = {}
    infos: dict[str, FieldInfo] = {}
    decorated: dict[str, _Decorated] = {}
    for klass in models:
        config.update(klass.__dict__.get("model_config", {}))
        namespace: dict[str, Any] = dict(klass.__dict__.get("__model_locals__", {}))
        namespace[klass.__name__] = klass
        module = sys.modules.get(klass.__module__)
        globalns = module.__dict__ if module is not None else {}
        own = klass.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect costs RSS)
        for name, annotation in own.items():
            if name.startswith("_"):
                continue
            if isinstance(annotation, str):
                if annotation.startswith(("ClassVar", "typing.ClassVar")):
                    continue
                try:
                    annotation = eval(annotation, globalns, namespace)  # noqa: S307 (our source)
                except NameError as exc:
                    raise TypeError(f"{klass.__name__}.{name}: cannot resolve: {exc}") from None
            if annotation is ClassVar or get_origin(annotation) is ClassVar:
                continue
            default = klass.__dict__.get(name, MISSING)
            info = default if isinstance(default, FieldInfo) else FieldInfo(default)
            info.annotation = annotation
            infos[name] = info
        for attr, value in klass.__dict__.items():
            if isinstance(value, _Decorated):
                decorated[attr] = value
    by_field: dict[str, list[_Decorated]] = {name: [] for name in infos}
    before: list[_Decorated] = []
    after: list[_Decorated] = []
    for d in decorated.values():
        if d.kind == "model":
            (before if d.mode == "before" else after).append(d)
            continue
        for field in d.fields:
            if field not in by_field:
                raise TypeError(f"{cls.__name__}: validator for unknown field {field!r}")
            by_field[field].append(d)
    fields = {}
    for name, info in infos.items():
        validate = _constrained(info.annotation, info, _compile(info.annotation, tvars))
        pipeline = _field_pipeline(cls, name, validate, by_field[name])
        fields[name] = _Field(name, info, pipeline)
    return _Schema(fields, before[::-1], after, config)


@dataclass_transform(kw_only_default=True, field_specifiers=(Field, FieldInfo))
class ModelMeta(type):
    """Keeps the defining function's locals (for models declared inside a function) and
    offers `Model.model_fields`."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> ModelMeta:
        frame = sys._getframe(1)
        if frame.f_locals is not frame.f_globals:
            namespace["__model_locals__"] = dict(frame.f_locals)
        return super().__new__(mcs, name, bases, namespace, **kwargs)

    @property
    def model_fields(cls) -> dict[str, FieldInfo]:
        return {name: f.info for name, f in _schema(cls).fields.items()}  # type: ignore[arg-type]


_Model = TypeVar("_Model", bound="BaseModel")


class BaseModel(metaclass=ModelMeta):
    """A validated record: `Model(**fields)` or `Model.model_validate(data, context=...)`."""

    model_config: ClassVar[ConfigDict] = {}

    def __init__(self, **data: Any) -> None:
        try:
            validated = type(self)._validate(data, None)
        except _Fail as exc:
            raise ValidationError(type(self).__name__, exc.errors) from None
        object.__setattr__(self, "__dict__", validated.__dict__)

    @classmethod
    def model_validate(cls: type[_Model], obj: Any, *, context: Any = None) -> _Model:
        """Validate `obj` (a mapping or an instance); `context` reaches `info.context`."""
        try:
            return cls._validate(obj, context)
        except _Fail as exc:
            raise ValidationError(cls.__name__, exc.errors) from None

    @classmethod
    def _validate(cls: type[_Model], data: Any, context: Any) -> _Model:
        if isinstance(data, cls):
            return data
        schema = _schema(cls)
        for d in schema.before:
            args: list[Any] = [] if d.static else [cls]
            args.append(data)
            if d.argcount >= 2:
                args.append(ValidationInfo(context, {}, None))
            data = _run_user(d.func, *args)
        if not isinstance(data, Mapping):
            raise _fail(
                f"Input should be a valid dictionary or instance of {cls.__name__}", "model_type"
            )
        values: dict[str, Any] = {}
        errors: list[ErrorTuple] = []
        for name, field in schema.fields.items():
            if name in data:
                try:
                    values[name] = field.validate(data[name], context, values)
                except _Fail as exc:
                    errors.extend(_prefix(name, exc.errors))
            elif field.info.is_required():
                errors.append(((name,), "Field required", "missing"))
            else:
                values[name] = field.info.get_default()
        if schema.forbid:
            for key in data:
                if key not in schema.fields:
                    loc = key if isinstance(key, str | int) else str(key)
                    errors.append(((loc,), "Extra inputs are not permitted", "extra_forbidden"))
        if errors:
            raise _Fail(errors)
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        for d in schema.after:
            if d.argcount >= 1:
                result = _run_user(d.func, obj, ValidationInfo(context, values, None))
            else:
                result = _run_user(d.func, obj)
            obj = obj if result is None else result
        return obj

    def model_copy(
        self: _Model, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> _Model:
        """A copy with `update` applied as is (not validated, as in pydantic)."""
        values = copy.deepcopy(self.__dict__) if deep else dict(self.__dict__)
        values.update(update or {})
        obj = type(self).__new__(type(self))
        object.__setattr__(obj, "__dict__", values)
        return obj

    def __setattr__(self, name: str, value: Any) -> None:
        schema = _schema(type(self))
        if schema.frozen:
            raise ValidationError(
                type(self).__name__, [((name,), "Instance is frozen", "frozen_instance")]
            )
        if name not in schema.fields:
            raise ValueError(f'"{type(self).__name__}" object has no field "{name}"')
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__}: fields cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        if not _schema(type(self)).frozen:
            raise TypeError(f"unhashable type: {type(self).__name__!r} (not frozen)")
        return hash((type(self), *self.__dict__.values()))

    def _repr_args(self) -> Iterator[str]:
        for name in _schema(type(self)).fields:
            yield f"{name}={self.__dict__.get(name)!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._repr_args())})"

    def __str__(self) -> str:
        return " ".join(self._repr_args())
