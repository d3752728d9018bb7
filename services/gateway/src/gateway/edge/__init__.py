"""The gateway's edge: checks and policies around the request pipeline.

Each module is a standalone building block for ``server/`` (wiring in
``docs/edge-wiring.md``, settings in ``docs/edge.md``):

``limits``/``cost``        request-shape limits and the estimated cost
``auth_rules``/``authorization``/``nulls``  @authenticated/@requiresScopes/@policy filtering
``persisted``              automatic persisted queries and trusted documents
``csrf``                   CSRF prevention for simple requests
``headers``                header propagation and response header merge
``resilience``             circuit breakers and query retries
``guarded``                ``GuardedTransport``: the transport with header rules and resilience
``settings``               ``EdgeSettings`` (``GATEWAY_`` environment variables)
"""

from gateway.edge.auth_rules import AuthorizationRules, Requirement, claims_policy_evaluator
from gateway.edge.authorization import AuthorizationResult, authorize
from gateway.edge.cost import CostModel
from gateway.edge.csrf import check_csrf, is_preflighted
from gateway.edge.errors import (
    CsrfRejected,
    EdgeConfigError,
    EdgeError,
    LimitExceeded,
    PersistedQueryError,
    UnauthorizedOperation,
)
from gateway.edge.guarded import GuardedTransport
from gateway.edge.headers import HeaderRules, merge_cache_control, merge_response_headers
from gateway.edge.limits import (
    OperationLimits,
    OperationMeasure,
    check_batch_size,
    check_body_size,
    check_operation,
    check_tokens,
    count_tokens,
    measure_operation,
    read_body,
)
from gateway.edge.nulls import NullTree, restore_nulls
from gateway.edge.persisted import (
    MemoryStore,
    PersistedQueries,
    PersistedQueryStore,
    RedisStore,
    TrustedDocuments,
    sha256_hex,
)
from gateway.edge.resilience import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    RetryPolicy,
    SubgraphGuard,
)
from gateway.edge.settings import EdgeSettings

__all__ = [
    "AuthorizationResult",
    "AuthorizationRules",
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "CostModel",
    "CsrfRejected",
    "EdgeConfigError",
    "EdgeError",
    "EdgeSettings",
    "GuardedTransport",
    "HeaderRules",
    "LimitExceeded",
    "MemoryStore",
    "NullTree",
    "OperationLimits",
    "OperationMeasure",
    "PersistedQueries",
    "PersistedQueryError",
    "PersistedQueryStore",
    "RedisStore",
    "Requirement",
    "RetryPolicy",
    "SubgraphGuard",
    "TrustedDocuments",
    "UnauthorizedOperation",
    "authorize",
    "check_batch_size",
    "check_body_size",
    "check_csrf",
    "check_operation",
    "check_tokens",
    "claims_policy_evaluator",
    "count_tokens",
    "is_preflighted",
    "measure_operation",
    "merge_cache_control",
    "merge_response_headers",
    "read_body",
    "restore_nulls",
    "sha256_hex",
]
