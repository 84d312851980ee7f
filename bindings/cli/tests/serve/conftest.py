"""Fixtures for the tests of `ferruler serve` with real clients (boto3, the AWS CLI, Chromium).

scripts/test-serve.sh starts the server and passes what the tests need in the environment:
FERRULER_SERVE_URL (the running server), FERRULER_BIN (the same binary, for the library's own
answers), FERRULER_CASES (the conformance corpus) and, optionally, FERRULER_SCREENSHOT (where the
Sandbox test saves its picture for the docs).
"""

import os

import boto3
import pytest


@pytest.fixture(scope="session")
def endpoint() -> str:
    return os.environ["FERRULER_SERVE_URL"]


@pytest.fixture(scope="session")
def events(endpoint):
    """An EventBridge client of boto3, pointed at the server, with made-up credentials."""
    return boto3.client(
        "events",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
    )
