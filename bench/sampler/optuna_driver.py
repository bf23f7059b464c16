"""Optuna's TPESampler as a peer for `npm run bench:sampler`.

The synthetic problems are evaluated here in Python (the same formulas as problems.ts; the
benchmark checks that both sides agree on sample points before it trusts the numbers), so a
whole problem runs in one call. The digits task trains in Node, so Optuna is driven over
stdin/stdout, one JSON object per line.

Modes (the first argument):
  synthetic   stdin: {"problem": id, "seeds": [..], "budget": n}
              stdout: {"runs": [{"seed": s, "values": [...], "seconds": t}, ...]}
  check       stdin: {"problem": id, "points": [{...params...}, ...]}
              stdout: {"values": [...]}
  ask-tell    stdin lines: {"cmd": "init", "problem": id, "seed": s} | {"cmd": "ask"} |
              {"cmd": "tell", "value": v}; each answered by one line: {"ok": true} or
              {"params": {...}}.
"""

import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    a, b, c, r, s, t = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(p):
    x = [p["x%d" % j] for j in range(6)]
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            inner += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j] * 1e-4) ** 2
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock4(p):
    x = [p["x%d" % j] for j in range(4)]
    return sum(100 * (x[j + 1] - x[j] ** 2) ** 2 + (1 - x[j]) ** 2 for j in range(3))


def ackley5(p):
    x = [p["x%d" % j] for j in range(5)]
    n = len(x)
    squares = sum(v * v for v in x) / n
    cosines = sum(math.cos(2 * math.pi * v) for v in x) / n
    return -20 * math.exp(-0.2 * math.sqrt(squares)) - math.exp(cosines) + 20 + math.e


MIXED_BASE = {"sgd": 0.3, "momentum": 0.1, "adam": 0.0}
MIXED_CENTRE = {"sgd": -1.0, "momentum": -1.5, "adam": -3.0}
MIXED_CURVATURE = {"sgd": 0.5, "momentum": 0.8, "adam": 0.3}


def mixed(p):
    optimizer = p["optimizer"]
    lr = math.log10(p["learning_rate"])
    layers = p["layers"]
    dropout = p["dropout"]
    return (
        MIXED_BASE[optimizer]
        + MIXED_CURVATURE[optimizer] * (lr - MIXED_CENTRE[optimizer]) ** 2
        + 4 * (dropout - 0.1 * layers + 0.1) ** 2
        + 0.1 * (layers - 3) ** 2
    )


def suggest_box(trial, names, low, high):
    return {name: trial.suggest_float(name, low, high) for name in names}


PROBLEMS = {
    "branin": (lambda t: {"x1": t.suggest_float("x1", -5, 10), "x2": t.suggest_float("x2", 0, 15)}, branin),
    "hartmann6": (lambda t: suggest_box(t, ["x%d" % j for j in range(6)], 0, 1), hartmann6),
    "rosenbrock4": (lambda t: suggest_box(t, ["x%d" % j for j in range(4)], -5, 10), rosenbrock4),
    "ackley5": (lambda t: suggest_box(t, ["x%d" % j for j in range(5)], -32.768, 32.768), ackley5),
    "mixed": (
        lambda t: {
            "optimizer": t.suggest_categorical("optimizer", ["sgd", "momentum", "adam"]),
            "learning_rate": t.suggest_float("learning_rate", 1e-5, 1.0, log=True),
            "dropout": t.suggest_float("dropout", 0.0, 0.5),
            "layers": t.suggest_categorical("layers", [1, 2, 3, 4]),
        },
        mixed,
    ),
    "digits": (
        lambda t: {
            "learning_rate": t.suggest_float("learning_rate", 1e-4, 0.3, log=True),
            "hidden_units": t.suggest_categorical("hidden_units", [16, 32, 64, 128]),
            "hidden_layers": t.suggest_categorical("hidden_layers", [1, 2, 3]),
            "dropout": t.suggest_float("dropout", 0.0, 0.5),
            "batch_size": t.suggest_categorical("batch_size", [32, 64, 128, 256]),
        },
        None,
    ),
}


def study(seed, direction="minimize"):
    return optuna.create_study(direction=direction, sampler=optuna.samplers.TPESampler(seed=seed))


def synthetic(request):
    suggest, evaluate = PROBLEMS[request["problem"]]
    runs = []
    for seed in request["seeds"]:
        started = time.perf_counter()
        s = study(seed)
        values = []
        for _ in range(request["budget"]):
            trial = s.ask()
            value = evaluate(suggest(trial))
            s.tell(trial, value)
            values.append(value)
        runs.append({"seed": seed, "values": values, "seconds": time.perf_counter() - started})
    return {"runs": runs}


def check(request):
    _, evaluate = PROBLEMS[request["problem"]]
    return {"values": [evaluate(point) for point in request["points"]]}


def ask_tell():
    s = None
    suggest = None
    trial = None
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        command = message["cmd"]
        if command == "init":
            suggest, _ = PROBLEMS[message["problem"]]
            s = study(message["seed"], message.get("direction", "minimize"))
            answer = {"ok": True}
        elif command == "ask":
            trial = s.ask()
            answer = {"params": suggest(trial)}
        elif command == "tell":
            s.tell(trial, message["value"])
            trial = None
            answer = {"ok": True}
        else:
            answer = {"error": "unknown command %r" % command}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "ask-tell":
        ask_tell()
        return
    request = json.load(sys.stdin)
    if mode == "synthetic":
        result = synthetic(request)
    elif mode == "check":
        result = check(request)
    else:
        raise SystemExit("usage: optuna_driver.py synthetic|check|ask-tell")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
