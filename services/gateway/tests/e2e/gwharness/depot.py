"""The depot scenario: keys in every shape.

- depot: ``Shipment @key(id) { weightKg carrier parcels }``, ``Carrier @key("code region")``,
  ``Parcel @key("shipment { id } seq")`` (a nested key), ``Query.shipments``, ``carriers``.
- fleet: ``Shipment @key(id) @key(trackingNo)`` (the bridge between the two keys),
  ``Carrier { name }``, ``Parcel { scanned }``, and the shareable ``Query.carriers``.
- tracking: ``Shipment @key(trackingNo) { status eta @requires(weightKg) }``.
"""

from __future__ import annotations

from typing import Any

from gwharness.sdl import join_v03
from gwharness.subgraph import Subgraph

__all__ = ["DEPOT_SUPERGRAPH", "depot_subgraphs"]

DEPOT_SUPERGRAPH = join_v03(
    ["depot", "fleet", "tracking"],
    """
type Query @join__type(graph: DEPOT) @join__type(graph: FLEET) @join__type(graph: TRACKING) {
  shipments: [Shipment!]! @join__field(graph: DEPOT)
  carriers: [Carrier!]! @join__field(graph: DEPOT) @join__field(graph: FLEET)
}

type Shipment
  @join__type(graph: DEPOT, key: "id")
  @join__type(graph: FLEET, key: "id")
  @join__type(graph: FLEET, key: "trackingNo")
  @join__type(graph: TRACKING, key: "trackingNo")
{
  id: ID! @join__field(graph: DEPOT) @join__field(graph: FLEET)
  weightKg: Float @join__field(graph: DEPOT) @join__field(graph: TRACKING, external: true)
  carrier: Carrier @join__field(graph: DEPOT)
  parcels: [Parcel!]! @join__field(graph: DEPOT)
  trackingNo: String @join__field(graph: FLEET) @join__field(graph: TRACKING, type: "String!")
  status: String @join__field(graph: TRACKING)
  eta: String @join__field(graph: TRACKING, requires: "weightKg")
}

type Carrier
  @join__type(graph: DEPOT, key: "code region")
  @join__type(graph: FLEET, key: "code region")
{
  code: String!
  region: String!
  name: String @join__field(graph: FLEET)
}

type Parcel
  @join__type(graph: DEPOT, key: "shipment { id } seq")
  @join__type(graph: FLEET, key: "shipment { id } seq")
{
  shipment: Shipment!
  seq: Int!
  label: String @join__field(graph: DEPOT)
  scanned: Boolean @join__field(graph: FLEET)
}
""",
)

DHL = {"code": "DHL", "region": "EU"}
UPS = {"code": "UPS", "region": "US"}
SHIPMENTS: list[dict[str, Any]] = [
    {"id": "s1", "weightKg": 2.5, "carrier": DHL,
     "parcels": [{"shipment": {"id": "s1"}, "seq": 1, "label": "A"},
                 {"shipment": {"id": "s1"}, "seq": 2, "label": "B"}]},
    {"id": "s2", "weightKg": None, "carrier": UPS, "parcels": []},
    {"id": "s3", "weightKg": 10.0, "carrier": DHL,
     "parcels": [{"shipment": {"id": "s3"}, "seq": 1, "label": "C"}]},
]  # fmt: skip
TRACKING_NO = {"s1": "T1", "s2": "T2", "s3": None}
CARRIER_NAMES = {("DHL", "EU"): "DHL Europe", ("UPS", "US"): "UPS America"}
STATUS = {"T1": "in transit", "T2": "delivered"}


def depot() -> Subgraph:
    return Subgraph(
        "depot",
        """
        type Shipment @key(fields: "id") {
          id: ID! weightKg: Float carrier: Carrier parcels: [Parcel!]!
        }
        type Carrier @key(fields: "code region") { code: String! region: String! }
        type Parcel @key(fields: "shipment { id } seq") {
          shipment: Shipment! seq: Int! label: String
        }
        type Query { shipments: [Shipment!]!  carriers: [Carrier!]! @shareable }
        """,
        resolvers={"Query": {"shipments": lambda _p: SHIPMENTS, "carriers": lambda _p: [DHL, UPS]}},
        entities={"Shipment": lambda r: next(s for s in SHIPMENTS if s["id"] == r["id"])},
    )


def fleet() -> Subgraph:
    def shipment(rep: dict[str, Any]) -> dict[str, Any] | None:
        if "id" in rep:
            return {"id": rep["id"], "trackingNo": TRACKING_NO.get(rep["id"])}
        found = [k for k, v in TRACKING_NO.items() if v == rep.get("trackingNo")]
        return {"id": found[0], "trackingNo": rep["trackingNo"]} if found else None

    def carrier(rep: dict[str, Any]) -> dict[str, Any]:
        name = CARRIER_NAMES.get((rep["code"], rep["region"]))
        return {"code": rep["code"], "region": rep["region"], "name": name}

    def parcel(rep: dict[str, Any]) -> dict[str, Any]:
        return {"shipment": rep["shipment"], "seq": rep["seq"], "scanned": rep["seq"] == 1}

    return Subgraph(
        "fleet",
        """
        type Shipment @key(fields: "id") @key(fields: "trackingNo") {
          id: ID! trackingNo: String
        }
        type Carrier @key(fields: "code region") { code: String! region: String! name: String }
        type Parcel @key(fields: "shipment { id } seq") {
          shipment: Shipment! seq: Int! scanned: Boolean
        }
        type Query { carriers: [Carrier!]! @shareable }
        """,
        resolvers={"Query": {"carriers": lambda _p: [carrier(DHL), carrier(UPS)]}},
        entities={"Shipment": shipment, "Carrier": carrier, "Parcel": parcel},
    )


def tracking() -> Subgraph:
    def shipment(rep: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "trackingNo": rep["trackingNo"],
            "status": STATUS.get(rep["trackingNo"]),
        }
        if "weightKg" in rep:
            weight = rep["weightKg"]
            out["eta"] = "unknown" if weight is None else f"{int(weight * 2)}h"
        return out

    return Subgraph(
        "tracking",
        """
        type Shipment @key(fields: "trackingNo") {
          trackingNo: String! status: String weightKg: Float @external
          eta: String @requires(fields: "weightKg")
        }
        """,
        entities={"Shipment": shipment},
    )


def depot_subgraphs() -> list[Subgraph]:
    return [depot(), fleet(), tracking()]
