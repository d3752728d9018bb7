"""Client operations: parse, validate, pick, normalize (design §3) and coerce variables."""

from gateway.operation.errors import (
    BadRequestError,
    OperationError,
    OperationParseError,
    OperationValidationError,
    VariableCoercionError,
)
from gateway.operation.normalize import normalize_operation, possible_types, select_operation
from gateway.operation.prepare import (
    OperationCache,
    coerce_variables,
    parse_operation,
    prepare_operation,
    validate_operation,
)
from gateway.operation.printer import print_selections, to_document, to_selection_set
from gateway.operation.tree import (
    Condition,
    Conditions,
    Field,
    Fragment,
    NormalizedOperation,
    Selection,
)

__all__ = [
    "BadRequestError",
    "Condition",
    "Conditions",
    "Field",
    "Fragment",
    "NormalizedOperation",
    "OperationCache",
    "OperationError",
    "OperationParseError",
    "OperationValidationError",
    "Selection",
    "VariableCoercionError",
    "coerce_variables",
    "normalize_operation",
    "parse_operation",
    "possible_types",
    "prepare_operation",
    "print_selections",
    "select_operation",
    "to_document",
    "to_selection_set",
    "validate_operation",
]
