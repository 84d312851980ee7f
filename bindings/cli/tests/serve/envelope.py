"""Events that pass TestEventPattern's envelope check (id, account, source, time, region,
resources, detail-type), for tests that are about matching, not about the envelope."""

import json

ENVELOPE = {
    "id": "0d8b1c2e-1111-2222-3333-444455556666",
    "account": "123456789012",
    "source": "com.example.test",
    "time": "2026-01-01T00:00:00Z",
    "region": "eu-west-1",
    "resources": [],
    "detail-type": "Test",
}


def event_text(event) -> str:
    """`event` as JSON text with the envelope fields it lacks filled in (only objects; the rest
    as they are, for the service to refuse)."""
    if isinstance(event, dict):
        event = {**{k: v for k, v in ENVELOPE.items() if k not in event}, **event}
    return json.dumps(event)
