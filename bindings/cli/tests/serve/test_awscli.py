"""`aws events test-event-pattern --endpoint-url ...`, the AWS CLI from PyPI, against the server."""

import json
import os
import subprocess

from envelope import ENVELOPE

EVENT = json.dumps({**ENVELOPE, "source": "aws.ec2", "detail": {"state": "stopped"}})


def aws(endpoint, *args):
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-secret",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_MAX_ATTEMPTS": "1",
    }
    return subprocess.run(
        ["aws", "events", "test-event-pattern", "--endpoint-url", endpoint, "--output", "json", *args],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )


def test_match_and_no_match(endpoint):
    run = aws(endpoint, "--event-pattern", '{"detail": {"state": ["stopped"]}}', "--event", EVENT)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"Result": True}
    run = aws(endpoint, "--event-pattern", '{"detail": {"state": ["running"]}}', "--event", EVENT)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"Result": False}


def test_an_invalid_pattern_is_reported_as_the_service_reports_it(endpoint):
    run = aws(endpoint, "--event-pattern", '{"detail": {"state": "stopped"}}', "--event", EVENT)
    assert run.returncode in (254, 255)  # a service error: 255 in AWS CLI v1, 254 in v2
    assert "An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: " \
        'Event pattern is not valid. Reason: "state" must be an object or an array' in run.stderr


def test_an_invalid_event_is_a_validation_error(endpoint):
    run = aws(endpoint, "--event-pattern", '{"source": ["aws.ec2"]}', "--event", '{"source": "aws.ec2"}')
    assert run.returncode in (254, 255)  # a service error: 255 in AWS CLI v1, 254 in v2
    assert "(ValidationException) when calling the TestEventPattern operation: Parameter Event is not valid." in run.stderr
