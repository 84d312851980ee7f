"""The JSON API (/v1/explain, /v1/match, /v1/rules) with Python's own HTTP client, as the docs
show it. The server runs with --rules on the rules-repo fixture."""

import json
import urllib.error
import urllib.request


def call(endpoint, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_rules_lists_the_loaded_rules(endpoint):
    status, body = call(endpoint, "/v1/rules")
    assert status == 200
    names = [r["name"] for r in body["rules"]]
    assert names == ["big-orders", "ExpressShipping", "InternationalShipping", "FragileItems"]
    assert body["rules"][0]["defined_at"].endswith("big-orders.json:1:1")


def test_match_names_the_rules_an_event_matches(endpoint):
    event = {"source": "com.shop", "detail-type": "Order Placed", "detail": {"total": 5000, "currency": "EUR"}}
    assert call(endpoint, "/v1/match", {"event": event}) == (200, {"rules": ["big-orders"]})
    assert call(endpoint, "/v1/match", {"event": {"source": "x"}}) == (200, {"rules": []})


def test_explain_answers_as_explain_json_prints(endpoint):
    status, body = call(endpoint, "/v1/explain", {"pattern": {"source": ["a"]}, "event": {"source": "b"}})
    assert status == 200
    assert body["matched"] is False
    condition = body["alternatives"][0]["conditions"][0]
    assert (condition["path"], condition["holds"], condition["values"][0]["value"]) == ("source", False, "b")
    status, body = call(endpoint, "/v1/explain", {"rule": "big-orders", "event": {"source": "com.shop"}})
    assert status == 200 and body["matched"] is False


def test_explain_points_errors_at_line_and_column(endpoint):
    status, body = call(endpoint, "/v1/explain", {"pattern": '{\n  "a": [1],\n  "b": 2\n}', "event": "{}"})
    assert status == 400
    assert body["error"] == {"kind": "pattern", "message": '"b" must be an object or an array', "line": 3, "column": 8}
    status, body = call(endpoint, "/v1/explain", {"rule": "no-such-rule", "event": {}})
    assert status == 404 and body["error"]["kind"] == "rule"
