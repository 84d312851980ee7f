// The Sandbox: sends the pattern and the event to /v1/explain as the user types and shows the
// verdict, the explanation tree and any error at its line and column. No framework, no build.
"use strict";

const SAMPLES = {
  custom: {
    pattern: {
      source: ["com.example.orders"],
      "detail-type": ["Order Placed"],
      detail: { total: [{ numeric: [">=", 100] }], currency: ["EUR", "USD"] },
    },
    event: {
      version: "0",
      id: "6f8c1d2e-7a40-4b1f-9f0e-2c3d4e5f6a7b",
      "detail-type": "Order Placed",
      source: "com.example.orders",
      account: "123456789012",
      time: "2026-03-14T09:26:53Z",
      region: "eu-west-1",
      resources: [],
      detail: { orderId: "o-1001", total: 129.5, currency: "EUR", items: 3 },
    },
  },
  ec2: {
    pattern: {
      source: ["aws.ec2"],
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["stopped", "terminated"] },
    },
    event: {
      version: "0",
      id: "7bf73129-1428-4cd3-a780-95db273d1602",
      "detail-type": "EC2 Instance State-change Notification",
      source: "aws.ec2",
      account: "123456789012",
      time: "2026-11-11T21:29:54Z",
      region: "us-east-1",
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
      detail: { "instance-id": "i-abcd1111", state: "pending" },
    },
  },
  s3: {
    pattern: {
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: {
        bucket: { name: ["uploads-prod"] },
        object: { key: [{ prefix: "images/" }], size: [{ numeric: [">", 0] }] },
      },
    },
    event: {
      version: "0",
      id: "17793124-05d4-b198-2fde-7ededc63b103",
      "detail-type": "Object Created",
      source: "aws.s3",
      account: "123456789012",
      time: "2026-11-12T00:00:00Z",
      region: "ca-central-1",
      resources: ["arn:aws:s3:::uploads-prod"],
      detail: {
        version: "0",
        bucket: { name: "uploads-prod" },
        object: { key: "images/cat.jpg", size: 5242880, etag: "b1946ac92492d2347c6235b4d2611184" },
        "request-id": "N4N7GDK58NMKJ12R",
        requester: "123456789012",
        reason: "PutObject",
      },
    },
  },
};

const $ = (id) => document.getElementById(id);

/** JSON on one line, spaced as people write it. */
function oneLine(value) {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** JSON with two-space indents; short arrays (a pattern's values) stay on one line. */
function pretty(value, indent = "") {
  const inner = indent + "  ";
  if (Array.isArray(value) && oneLine(value).length <= 60) return oneLine(value);
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** An editor: a textarea with line numbers and a mark for an error's line and column. */
class Editor {
  constructor(root, problem) {
    this.root = root;
    this.problem = problem;
    this.text = root.querySelector("textarea");
    this.gutter = root.querySelector(".gutter");
    this.line = root.querySelector(".mark-line");
    this.column = root.querySelector(".mark-column");
    this.error = null;
    this.text.addEventListener("scroll", () => this.place());
    this.text.addEventListener("input", () => this.numbers());
  }

  get value() { return this.text.value; }

  set value(v) {
    this.text.value = v;
    this.numbers();
  }

  numbers() {
    const count = this.text.value.split("\n").length;
    if (this.gutter.childElementCount !== count) {
      this.gutter.replaceChildren(...Array.from({ length: count }, (_, i) => {
        const div = document.createElement("div");
        div.textContent = i + 1;
        return div;
      }));
    }
    this.place();
  }

  /** Marks `error` ({message, line, column}), or clears the mark when it is null. */
  mark(error) {
    this.error = error;
    this.root.classList.toggle("has-error", !!error);
    this.problem.hidden = !error;
    if (error) {
      const where = error.line ? `Line ${error.line}, column ${error.column}: ` : "";
      this.problem.replaceChildren(el("b", where), document.createTextNode(error.message));
    }
    this.place();
  }

  place() {
    const style = getComputedStyle(this.text);
    const pad = parseFloat(style.paddingTop);
    const height = parseFloat(style.lineHeight);
    this.gutter.scrollTop = this.text.scrollTop;
    for (const [i, div] of Array.from(this.gutter.children).entries()) {
      div.classList.toggle("error", !!this.error && this.error.line === i + 1);
    }
    const at = this.error && this.error.line;
    this.line.hidden = this.column.hidden = !at;
    if (!at) return;
    const top = pad + (this.error.line - 1) * height - this.text.scrollTop;
    this.line.style.top = `${top}px`;
    const width = charWidth(style.font);
    this.column.style.top = `${top + height - 3}px`;
    this.column.style.left = `${pad + (this.error.column - 1) * width - this.text.scrollLeft}px`;
    this.column.style.width = `${width}px`;
  }
}

function charWidth(font) {
  const canvas = charWidth.canvas || (charWidth.canvas = document.createElement("canvas"));
  const context = canvas.getContext("2d");
  context.font = font;
  return context.measureText("0000000000").width / 10;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const pattern = new Editor($("pattern-editor"), $("pattern-problem"));
const event = new Editor($("event-editor"), $("event-problem"));
let rules = [];
let generation = 0;

async function post(path, body, headers) {
  const response = await fetch(path, {
    method: "POST",
    headers: headers || { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json() };
}

/** Asks the server about the current texts; answers to older texts are dropped. */
async function update() {
  const mine = ++generation;
  const request = { pattern: pattern.value, event: event.value };
  const [explained, service, matched] = await Promise.all([
    post("/v1/explain", request),
    post("/", { EventPattern: pattern.value, Event: event.value }, {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSEvents.TestEventPattern",
    }),
    rules.length ? post("/v1/match", { event: event.value }) : null,
  ]).catch((e) => [{ ok: false, body: { error: { kind: "request", message: String(e) } } }]);
  if (mine !== generation) return;
  showExplanation(explained);
  showService(service);
  showRuleMatches(matched);
}

function showExplanation({ ok, body }) {
  const error = ok ? null : body.error;
  pattern.mark(error && error.kind === "pattern" ? error : null);
  event.mark(error && error.kind === "event" ? error : null);
  const verdict = $("verdict");
  const tree = $("explanation");
  if (error) {
    verdict.className = "verdict invalid";
    verdict.textContent = error.kind === "event" ? "Invalid event" : "Invalid pattern";
    tree.replaceChildren(el("p", "Fix the marked error to see the result.", "note"));
    return;
  }
  verdict.className = `verdict ${body.matched ? "match" : "nomatch"}`;
  verdict.textContent = body.matched ? "✓ Match" : "✗ No match";
  tree.replaceChildren(...explanationTree(body));
}

function explanationTree(explanation) {
  const n = explanation.alternatives.length;
  return explanation.alternatives.map((alternative, i) => {
    const box = el("div", undefined, `alternative ${alternative.matched ? "matched" : "failed"}`);
    if (n > 1) {
      box.append(el("h3", `Alternative ${i + 1} of ${n} ($or): ${alternative.matched ? "matches" : "no match"}`));
    }
    for (const condition of alternative.conditions) box.append(conditionNode(condition));
    const note = reason(alternative);
    if (note) box.append(el("p", note, "note"));
    return box;
  });
}

function conditionNode(condition) {
  const node = el("div", undefined, "condition");
  const head = el("div", undefined, "head");
  head.append(
    el("span", condition.holds ? "✓" : "✗", `tick ${condition.holds ? "yes" : "no"}`),
    el("span", condition.path, "path"),
  );
  if (condition.exists_false) head.append(el("span", "must be absent", "matcher"));
  for (const matcher of condition.matchers) head.append(el("span", matcher, "matcher"));
  node.append(head);
  const values = el("ul", undefined, "values");
  if (condition.values.length === 0) {
    values.append(el("li", condition.exists_false ? "absent from the event" : "not in the event"));
  }
  condition.values.forEach((value, v) => {
    const item = el("li");
    const accepted = value.accepted_by.length > 0;
    item.append(
      el("code", `${value.location} = ${JSON.stringify(value.value)}`),
      document.createTextNode("  "),
      condition.exists_false
        ? el("span", "present", "ko")
        : el("span", accepted ? `accepted by ${value.accepted_by.join(", ")}` : "accepted by none",
          accepted ? "ok" : "ko"),
    );
    if (condition.chosen === v && condition.values.length > 1) item.append(document.createTextNode("  (used)"));
    values.append(item);
  });
  if (condition.objects) values.append(el("li", `${condition.objects} object value(s) at this path (never match)`));
  if (condition.empty_arrays) values.append(el("li", `${condition.empty_arrays} empty array(s) at this path`));
  node.append(values);
  return node;
}

function reason(alternative) {
  switch (alternative.reason) {
    case "array_conflict":
      return "The values that hold come from different elements of the same array: " +
        alternative.conflicts.map((c) => `${c.first} and ${c.second} (in ${c.array})`).join("; ");
    case "absent_violated":
      return "A field that must be absent is present: " +
        alternative.blocking.map((b) => b.location).join(", ");
    default:
      return "";
  }
}

function showService(answer) {
  const node = $("service-answer");
  if (!answer) return node.replaceChildren();
  const text = answer.ok
    ? `Result: ${answer.body.Result}`
    : `${answer.body.__type}: ${answer.body.message.split("\n")[0]}`;
  node.replaceChildren(document.createTextNode("TestEventPattern answers "), el("code", text));
}

function showRuleMatches(answer) {
  const node = $("rule-matches");
  if (!answer || !answer.ok) return node.replaceChildren();
  const names = answer.body.rules;
  node.replaceChildren(document.createTextNode(
    names.length ? `Loaded rules this event matches: ` : `Matches none of the ${rules.length} loaded rules`));
  for (const name of names) {
    const chip = el("button", name, "chip");
    chip.addEventListener("click", () => pickRule(name));
    node.append(chip);
  }
}

function reformat(text) {
  try {
    return pretty(JSON.parse(text));
  } catch {
    return text;
  }
}

function pickRule(name) {
  const rule = rules.find((r) => r.name === name);
  if (!rule) return;
  $("rule-picker").value = name;
  pattern.value = reformat(rule.pattern);
  update();
}

async function loadRules() {
  const response = await fetch("/v1/rules");
  rules = (await response.json()).rules;
  const picker = $("rule-picker");
  picker.replaceChildren(el("option", rules.length ? "—" : "none (start with --rules)"));
  picker.firstChild.value = "";
  for (const rule of rules) {
    const option = el("option", rule.name);
    option.value = rule.name;
    option.title = rule.defined_at;
    picker.append(option);
  }
  picker.disabled = rules.length === 0;
}

function pickSample(name) {
  const sample = SAMPLES[name];
  if (!sample) return;
  pattern.value = pretty(sample.pattern);
  event.value = pretty(sample.event);
  $("rule-picker").value = "";
  update();
}

let timer = 0;
for (const editor of [pattern, event]) {
  editor.text.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
}
$("rule-picker").addEventListener("change", (e) => pickRule(e.target.value));
$("sample-picker").addEventListener("change", (e) => pickSample(e.target.value));
window.addEventListener("resize", () => { pattern.place(); event.place(); });

loadRules().finally(() => {
  $("sample-picker").value = "custom";
  pickSample("custom");
});
