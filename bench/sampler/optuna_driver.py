"""Optuna's samplers as peers for `npm run bench:sampler`: TPE (univariate and multivariate),
CMA-ES and GPSampler (Optuna >= 3.6; the bench creates bench/.venv with current Optuna).

The synthetic problems are evaluated here in Python (the same formulas as problems.ts; the
benchmark checks that both sides agree on sample points before it trusts the numbers), so a
whole problem runs in one call. The digits task trains in Node, so Optuna is driven over
stdin/stdout, one JSON object per line.

Modes (the first argument):
  synthetic   stdin: {"problem": id, "seeds": [..], "budget": n, "sampler": name}
              stdout: {"runs": [{"seed": s, "values": [...], "suggest_ms": [...], "seconds": t}, ...]}
  pool        stdin: {"problem": id, "seeds": [..], "budget": n, "workers": w, "sampler": name}
              an asynchronous pool of w workers: each trial takes duration(seed, index) (the
              same formula as pool.ts), a finished worker is told its value and asks again.
              stdout: {"runs": [{"seed": s, "values": [...] (in the order trials finished)}]}
  check       stdin: {"problem": id, "points": [{...params...}, ...]}
              stdout: {"values": [...]}
  ask-tell    stdin lines: {"cmd": "init", "problem": id, "seed": s} | {"cmd": "ask"} |
              {"cmd": "tell", "value": v}; init may name "sampler"; each answered by one line: {"ok": true} or
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
    "wine": (
        lambda t: {
            "learning_rate": t.suggest_float("learning_rate", 1e-4, 0.3, log=True),
            "l2": t.suggest_float("l2", 1e-6, 1e-1, log=True),
            "hidden_units": t.suggest_categorical("hidden_units", [4, 8, 16, 32, 64]),
            "hidden_layers": t.suggest_categorical("hidden_layers", [1, 2]),
            "batch_size": t.suggest_categorical("batch_size", [8, 16, 32, 64]),
        },
        None,
    ),
}


def make_sampler(name, seed):
    samplers = optuna.samplers
    # Spelled out: Optuna 5 made multivariate=True (and constant_liar=True) the defaults.
    if name == "tpe":
        return samplers.TPESampler(seed=seed, multivariate=False, constant_liar=False)
    if name == "tpe-multivariate":
        return samplers.TPESampler(seed=seed, multivariate=True, constant_liar=False)
    if name == "tpe-liar":
        # Constant liar: running trials count as if they had the worst value seen so far.
        return samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
    if name == "cmaes":
        return samplers.CmaEsSampler(seed=seed)
    if name == "gp":
        return samplers.GPSampler(seed=seed)
    raise SystemExit("unknown sampler %r" % name)


def study(seed, direction="minimize", sampler="tpe"):
    return optuna.create_study(direction=direction, sampler=make_sampler(sampler, seed))


def duration(seed, index):
    """A trial's simulated training time, 1 to 3 units: the same formula as pool.ts."""
    x = math.sin(seed * 7919.0 + index * 104729.0) * 43758.5453
    return 1.0 + 2.0 * (x - math.floor(x))


def synthetic(request):
    suggest, evaluate = PROBLEMS[request["problem"]]
    runs = []
    for seed in request["seeds"]:
        started = time.perf_counter()
        s = study(seed, sampler=request.get("sampler", "tpe"))
        values = []
        suggest_ms = []
        for _ in range(request["budget"]):
            # GP, CMA-ES and multivariate TPE sample at ask(), univariate TPE at each suggest_*:
            # the suggestion's cost is both.
            asked = time.perf_counter()
            trial = s.ask()
            params = suggest(trial)
            suggest_ms.append((time.perf_counter() - asked) * 1000)
            value = evaluate(params)
            s.tell(trial, value)
            values.append(value)
        runs.append(
            {"seed": seed, "values": values, "suggest_ms": suggest_ms, "seconds": time.perf_counter() - started}
        )
    return {"runs": runs}


def pool(request):
    suggest, evaluate = PROBLEMS[request["problem"]]
    workers = request["workers"]
    budget = request["budget"]
    runs = []
    for seed in request["seeds"]:
        s = study(seed, sampler=request.get("sampler", "tpe-liar"))
        running = []  # (finish time, index, trial, value)
        started = 0
        now = 0.0
        values = []
        while len(values) < budget:
            while len(running) < workers and started < budget:
                trial = s.ask()
                value = evaluate(suggest(trial))
                running.append((now + duration(seed, started), started, trial, value))
                started += 1
            running.sort(key=lambda item: (item[0], item[1]))
            finish, _, trial, value = running.pop(0)
            now = finish
            s.tell(trial, value)
            values.append(value)
        runs.append({"seed": seed, "values": values})
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
            s = study(message["seed"], message.get("direction", "minimize"), message.get("sampler", "tpe"))
            answer = {"ok": True}
        elif command == "ask":
            asked = time.perf_counter()
            trial = s.ask()
            params = suggest(trial)
            answer = {"params": params, "ms": (time.perf_counter() - asked) * 1000}
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
    elif mode == "pool":
        result = pool(request)
    elif mode == "check":
        result = check(request)
    else:
        raise SystemExit("usage: optuna_driver.py synthetic|pool|check|ask-tell")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
