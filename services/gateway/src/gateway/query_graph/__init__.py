"""The query graph (§2): (type, graph) nodes and the edges the planner walks."""

from gateway.query_graph.build import build_query_graph
from gateway.query_graph.graph import Edge, EdgeKind, Node, QueryGraph

__all__ = ["Edge", "EdgeKind", "Node", "QueryGraph", "build_query_graph"]
