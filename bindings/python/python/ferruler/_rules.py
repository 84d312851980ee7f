"""Rules read from the files and folders they are written in, by the ``ferruler`` CLI's readers.

``load_rules`` is a thin layer over the native ``_load_rules``: the readers (pattern files,
``{name: pattern}`` maps, folders, CloudFormation/SAM/CDK templates, Serverless Framework services,
Terraform) are the CLI's own Rust code, shared through the ``ferruler-sources`` crate, so that
Python finds the rules ``ferruler check`` finds and reports a mistake in the CLI's words. What is
written here is what reads better as Python: the ``Rule`` tuple and the exception class, which
pickles like the other ``ferruler`` exceptions.
"""

from __future__ import annotations

import os
from typing import List, Mapping, NamedTuple, Optional, Tuple, Union

from ._ferruler import _load_rules

__all__ = ["InvalidRuleFileError", "Rule", "load_rules"]


class Rule(NamedTuple):
    """A named pattern as read from a file, with where it is written.

    Attributes:
        name: the rule's name as the CLI names it (a map's key, a pattern file's name without
            ``.json``, a template resource's logical ID, a Serverless rule's deployed name...).
        pattern: the pattern's JSON text, as ``Machine.add_rule`` takes it. For filter criteria of
            several filters, the filters joined with ``$or`` (a record passes when any matches).
        dialect: ``"eventbridge"`` for an EventBridge rule; for Lambda event-source mapping and
            EventBridge Pipes filter criteria ``"lambda:SOURCE"`` or ``"pipes:SOURCE"``
            (``SOURCE``: ``sqs``, ``kinesis``, ``dynamodb``, ``kafka``, ``mq``), as
            ``FilterCriteria`` takes its ``source``.
        filters: for filter criteria, each filter's JSON text (``FilterCriteria(rule.filters,
            rule.dialect)`` matches records as the service does); empty for an EventBridge rule.
        file: the file the pattern is written in, as the path was given (or as found in a folder).
        line: 1-based line where the pattern starts in ``file``.
        column: 1-based column, in characters, where it starts.
    """

    name: str
    pattern: str
    dialect: str
    filters: Tuple[str, ...]
    file: str
    line: int
    column: int


class InvalidRuleFileError(ValueError):
    """A file or folder of rules could not be read, or holds a rule that is invalid.

    ``str()`` is the message ``ferruler check`` prints, ``FILE:LINE:COLUMN: error: MESSAGE``, one
    line per problem when several rules are invalid. A value the CLI asks for as ``--param
    NAME=VALUE`` is given to ``load_rules`` as ``params={"NAME": "VALUE"}``.

    Attributes (besides ``text``, the whole message; the others are the first problem's):
        message: the message without its place.
        file: the file at fault, or None when the message names none.
        line: 1-based line in ``file``, or None for a problem with the whole file.
        column: 1-based column, in characters, or None likewise.
    """

    text: str
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]

    def __init__(
        self, text: str, message: str, file: Optional[str], line: Optional[int], column: Optional[int]
    ) -> None:
        super().__init__(text, message, file, line, column)
        self.text = text
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.text


def load_rules(
    path: Union[str, "os.PathLike[str]"],
    *,
    params: Optional[Mapping[str, str]] = None,
    skip_unresolved: bool = False,
) -> List[Rule]:
    """The rules written in the file or folder ``path``, read as ``ferruler check`` and ``ferruler
    filter --rules`` read it, in the CLI's order, every one checked.

    ``path`` is one of:

    * a ``{name: pattern}`` JSON file (``NAME.rules.json``, or any ``.json`` given directly; a
      pattern may also be a JSON string holding the pattern, as CloudFormation allows);
    * a CloudFormation, SAM or CDK template (``.yaml``, ``.yml``, ``.template.json``, or JSON with
      ``Resources``): ``AWS::Events::Rule`` resources, SAM ``EventBridgeRule``/``CloudWatchEvent``
      events, Lambda event-source mapping and Pipes filter criteria, named by logical ID;
    * a Serverless Framework service (``serverless.yml``, ``.yaml``, ``.json``), its rules named
      as the framework deploys them;
    * a Terraform root module (a folder of ``.tf`` files, or one ``.tf`` file standing for its
      folder) or ``terraform show -json`` output;
    * a folder of any of these (``NAME.json`` holding one pattern is the rule ``NAME``; hidden
      entries, ``*.event.json`` and ``events``, ``node_modules`` and ``target`` folders skipped).

    ``params`` gives values for what a template can only know when deployed: parameters without
    a default, pseudo parameters (``AWS::AccountId``), ``!GetAtt Res.Attr``, ``!ImportValue``,
    Serverless ``${param:...}``/``${opt:stage}``, Terraform variables; the CLI's ``--param
    NAME=VALUE``. A rule that still needs such a value (a Terraform resource's attribute has none
    to give) raises, as in ``ferruler filter``; with ``skip_unresolved=True`` it is left out, as
    ``ferruler check`` leaves it unchecked.

    Raises ``InvalidRuleFileError`` (a ``ValueError``) with the CLI's message, naming the file,
    line and column, when a file cannot be read or parsed, a rule needs a value ``params`` does not
    give, a name is defined twice or a pattern is invalid.
    """
    found = _load_rules(os.fspath(path), None if params is None else dict(params), skip_unresolved)
    return [
        Rule(name, pattern, dialect, tuple(filters), file, line, column)
        for name, pattern, dialect, filters, file, line, column in found
    ]
