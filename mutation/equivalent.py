"""Mutants that cannot change any result, each with its reason in one line.

A key is (target file, the line as written, the line as the mutant changes it), stripped, with
the name of the function after the file where a line is written alike in two functions. Two
kinds are recognised without a list (see `__main__._reason`): a change inside a type hint (no
hint is evaluated: every target has `from __future__ import annotations`), and an `@overload`
taken away (the stub is replaced by the real definition below it either way).
"""

from __future__ import annotations

_OPS = "autodiff/ops.py"
_OPTIM = "nn/optim.py"
_FLOATS = "autodiff/worlds/floats.py"
_TRACE = "autodiff/compiled/trace.py"
_TANGENTS = "autodiff/tangents.py"
_GRAPH = "autodiff/compiled/graph.py"
_PRIMAL = "if type(x) is float or type(x) is Dual:"
_PLAN = "autodiff/compiled/plan.py"
_REPLAY = "autodiff/compiled/replay.py"
_SAME_ARITY = "the nodes of a group have one arity, and a matmul group's nodes one shared half: [-1] is [0]"
_ORDER = "the order in which leaves get their rows only: any order gives the same numbers"
_NEEDS = "return (rows < constant_rows.start) | (rows >= constant_rows.stop)"
_CONSTANT_ROWS = "constant rows get a gradient too, which nothing reads (they are zeroed before each backward)"
_PASSES = "for uniform_pass in (False, True):"
_PASS = "if group.uniform == uniform_pass:"
_GRADIENT_ORDER = "k = len(group.nodes[0].parents) // 2"
_ON_FLOATS = "return self.uniform and self.stop - self.start == 1"
_AS_SLICE = "if index.ndim == 1 and len(index) > 0 and np.all(np.diff(index) == 1):"
_NARROW_ZERO = "grads[n_in + n_wide : n_in + n_params, 0] = 0.0  # rows read in column 0 only"
_FLOATS_STEP = "stacked[:, 0] = group.op.derivative(ops.scalar, float(g[0, 0]), float(out[0, 0]), *floats)"
_NARROW = "narrow: list[float] = work.grads[n_in + n_wide : n_in + n_params, 0].tolist()"
_ONE_ROW = "plan.append((_as_slice(unique[chosen]), _as_slice(occurrences[0]) if m == 1 else occurrences))"
_LEAVES = "return weights + list(group.nodes[0].parents[k:] if group.shared_half else group.nodes[0].parents[:k])"
_SCAN = "if g is not None and type(g) is not float:"
_CHECK = "if type(g) is not float and g is not None:"
_CHECKED = 'g if type(g) is float else checks.number(step, f"the gradient of parameter {i} ({params[i]!r})", g)'
_IN_PLACE = "in_place = rows_in_place if type(rows_in_place) is slice and not uniform else None"
_CLAMP_MASK = "lambda m, g, out, x, low, high: (m.where((x >= low) & (x <= high), lambda: g, lambda: 0.0),),"
_WON = "return m.where(a < b, lambda: 0.0, lambda: m.where((a <= b) & (a >= b), lambda: g * 0.5, lambda: g))"
_WHOLE_P = "if type(p) is float and p >= 0.0 and p.is_integer():  # (x ** 2, say): every x is in the domain"
_BACKWARD = "autodiff/backward.py"
_LOSSES = "nn/losses.py"
_ARRAYS = "autodiff/worlds/arrays.py"

_DOT = "lambda m, *xs: builtins.sum(map(operator.mul, xs[: len(xs) // 2], xs[len(xs) // 2 :])),"
_POW_MASK = "result = np.where(np.equal(x, 0.0) & np.less(p, 0.0), np.inf, result)"
_INTEGER_P = "if np.any(bad := np.less(x, 0.0) & ~(np.isfinite(p) & (np.trunc(p) == p))):"
_STEP = "return np.greater(x, 0.0) * 1.0"
_LSE_TOP = "top = np.where(np.isinf(top), 0.0, top)  # an infinite top needs no shift, and -inf - -inf is nan"
_BOOLS = "on bool arrays, the same mask"
_XLOGY = "return m.where(m.is_zero(x), lambda: 0.0 * x, lambda: x * log_y())"
_ZERO_SIGN = "x is 0 here: only the sign of a zero term changes, and with it at most the sign of a zero loss"
_NO_GRAD_MAX = "lambda m, g, out, *xs: (0.0 * g,) * len(xs),"
_SHIFT = (
    "what reaches the largest logit sums to zero (softmax is the same for logits all moved alike):"
    " a slope of 1 moves results by rounding only (equivalent up to rounding)"
)
_EXAMPLES = 'iterable = isinstance(x, Iterable) and not isinstance(x, (str, bytes)) and getattr(x, "ndim", 1) != 0'
_END_SLOPE = "lambda: m.where(m.is_zero(p - t), lambda: 0.0 * g, lambda: g * (p - t) * m.recip(p * (1.0 - p))),"
_PAIRS = "if not (_is_sequence(pred) and _is_sequence(target)) or len(pred) != len(target) or len(pred) == 0:"
_SEQUENCE = 'return hasattr(x, "__len__") and not isinstance(x, (str, bytes)) and getattr(x, "ndim", 1) != 0'
_MEAN = 'return total / len(losses) if reduction == "mean" else total'

EQUIVALENT: dict[tuple[str, ...], str] = {
    # ops.py
    (_OPS, "if len(_POWERS) >= 1024:", "if len(_POWERS) >= 1023:"): "the size of the cache of power ops only",
    (_OPS, "if len(_POWERS) >= 1024:", "if len(_POWERS) == 1024:"): "the cache grows by one and empties at 1024",
    (_OPS, "if len(values) == 0:", "if len(values) <= 0:"): "a length is never negative",
    (_OPS, "if type(xs) is list or type(xs) is tuple:", "if type(xs) is list and type(xs) is tuple:"): (
        "a list is then copied into a tuple: the same items in the same order"
    ),
    (_OPS, "if type(xs) is list or type(xs) is tuple:", "if type(xs) == list or type(xs) is tuple:"): (
        "== and `is` agree on classes"
    ),
    (_OPS, "if type(xs) is list or type(xs) is tuple:", "if type(xs) is list or type(xs) == tuple:"): (
        "== and `is` agree on classes"
    ),
    **{
        (_OPS, _DOT, _DOT.replace("xs[: len(xs) // 2]", f"xs[: len(xs) {op} 2]")): (
            "the first slice only grows: map() stops at the shorter one, the same n products"
        )
        for op in ("+", "*", "**", "<<", "|")
    },
    (_OPS, _DOT, _DOT.replace("xs[: len(xs) // 2]", "xs[: len(xs) // 1]")): (
        "the first slice only grows: map() stops at the shorter one, the same n products"
    ),
    (_OPS, "if len(a) != len(b) or len(a) == 0:", "if len(a) != len(b) or len(a) <= 0:"): "a length is never negative",
    (_OPS, "if len(_POWERS) >= 1024:", "if len(_POWERS) > 1024:"): "the size of the cache of power ops only",
    (_OPS, "if len(_POWERS) >= 1024:", "if len(_POWERS) >= 1025:"): "the size of the cache of power ops only",
    (_OPS, _WON, _WON.replace("(a <= b) & (a >= b)", "(a <= b) & (a <= b)")): (
        "a < b is taken out first: a <= b alone is then a tie"
    ),
    **{
        (_OPS, _WON, _WON.replace("(a <= b) & (a >= b)", f"(a <= b) {op} (a >= b)")): (
            "of two bools (or bool arrays), * and << are non-zero exactly where & is true"
        )
        for op in ("*", "<<")
    },
    (
        _OPS,
        _CLAMP_MASK,
        _CLAMP_MASK.replace("(x >= low) & (x <= high)", "(x >= low) * (x <= high)"),
    ): "of two bools (or bool arrays), * is non-zero exactly where & is true",
    (_OPS, "if len(numbers) != len(self.defaults):", "if len(numbers) is not len(self.defaults):"): (
        "small ints are one object each: `is not` is != here"
    ),
    (
        _OPS,
        "lambda m, x, alpha: m.where(x > 0.0, lambda: x, lambda: alpha * m.expm1(x)),",
        "lambda m, x, alpha: m.where(x >= 0.0, lambda: x, lambda: alpha * m.expm1(x)),",
    ): "at x = ±0 both branches give a zero (alpha * expm1(±0) is ±0 times alpha)",
    (
        _OPS,
        "lambda m, x, slope: m.where(x > 0.0, lambda: x, lambda: x * slope),",
        "lambda m, x, slope: m.where(x >= 0.0, lambda: x, lambda: x * slope),",
    ): "at x = ±0 both branches give a zero (±0 times the slope)",
    **{
        (_OPS, "if len(self.ops) >= 1024:  # as power's table: numbers may come from data", changed): (
            "the size of a family's cache of ops only"
        )
        for changed in (
            "if len(self.ops) >= 1023:  # as power's table: numbers may come from data",
            "if len(self.ops) == 1024:  # as power's table: numbers may come from data",
            "if len(self.ops) > 1024:  # as power's table: numbers may come from data",
            "if len(self.ops) >= 1025:  # as power's table: numbers may come from data",
        )
    },
    # worlds/arrays.py
    (
        _ARRAYS,
        "return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        "return np.where(x > 0, 1.0 / (1.0 + e), e / (1.0 + e))",
    ): ("at x = 0 both branches give 1 / 2"),
    (
        _ARRAYS,
        _LSE_TOP,
        _LSE_TOP.replace("0.0, top", "1.0, top"),
    ): "where the largest is infinite, any finite shift gives the same infinity",
    (
        _ARRAYS,
        _LSE_TOP,
        _LSE_TOP.replace("0.0, top", "-1.0, top"),
    ): "where the largest is infinite, any finite shift gives the same infinity",
    (_ARRAYS, _INTEGER_P, _INTEGER_P.replace("np.isfinite(p) & (", "np.isfinite(p) * (")): _BOOLS,
    (_ARRAYS, _INTEGER_P, _INTEGER_P.replace("np.less(x, 0.0) & ~", "np.less(x, 0.0) * ~")): _BOOLS,
    (_ARRAYS, _POW_MASK, _POW_MASK.replace(") & np.less", ") * np.less")): _BOOLS,
    (_ARRAYS, _POW_MASK, _POW_MASK.replace(") & np.less", ") // np.less")): (
        "on bool arrays, 1 // 1 is 1 and every other pair 0 (x // 0 is 0 in numpy): the same mask"
    ),
    (_ARRAYS, _STEP, _STEP.replace("* 1.0", "/ 1.0")): "a bool array as 1.0 and 0.0 either way",
    (_ARRAYS, _STEP, _STEP.replace("* 1.0", "// 1.0")): "a bool array as 1.0 and 0.0 either way",
    (_ARRAYS, _STEP, _STEP.replace("* 1.0", "** 1.0")): "a bool array as 1.0 and 0.0 either way",
    (
        _ARRAYS,
        "if np.any(np.less(p, 0.0)):  # 0 ** (negative) is +inf, as floats.pow (numpy: -inf for -0.0)",
        "if np.any(np.less(p, 1.0)):  # 0 ** (negative) is +inf, as floats.pow (numpy: -inf for -0.0)",
    ): ("a shortcut only: the mask below asks for p < 0 itself"),
    # backward.py
    (_BACKWARD, "latest_root[0] = weakref.ref(root)", "latest_root[ -1] = weakref.ref(root)"): (
        "a list of one: [-1] is [0]"
    ),
    (
        _BACKWARD,
        "elif parent.grad is not mark and parent not in visited:",
        "elif parent.grad != mark and parent not in visited:",
    ): "the mark is a bare object(): != falls back to identity (Value defines no ==)",
    # nn/losses.py
    (_LOSSES, _XLOGY, _XLOGY.replace("lambda: 0.0 * x", "lambda: -1.0 * x")): _ZERO_SIGN,
    (_LOSSES, _XLOGY, _XLOGY.replace("lambda: 0.0 * x", "lambda: 0.0 - x")): _ZERO_SIGN,
    (_LOSSES, _NO_GRAD_MAX, _NO_GRAD_MAX.replace("(0.0 * g,)", "( 1.0 * g,)")): _SHIFT,
    (_LOSSES, _NO_GRAD_MAX, _NO_GRAD_MAX.replace("(0.0 * g,)", "( -1.0 * g,)")): _SHIFT,
    (_LOSSES, _MEAN, _MEAN.replace('reduction == "mean"', 'reduction <= "mean"')): (
        "the reduction here is 'mean' or 'sum', and only 'mean' is <= 'mean'"
    ),
    (_LOSSES, _SEQUENCE, _SEQUENCE.replace('"ndim", 1)', '"ndim", 2)')): "any ndim but 0 counts alike",
    (_LOSSES, _SEQUENCE, _SEQUENCE.replace("!= 0", "> 0")): "an ndim is never negative",
    (
        _LOSSES,
        _XLOGY,
        _XLOGY.replace("lambda: 0.0 * x", "lambda: 1.0 * x"),
    ): "x is 0 here: 1.0 * x and 0.0 * x are the same zero",
    (_LOSSES, _XLOGY, _XLOGY.replace("lambda: 0.0 * x", "lambda: 0.0 + x")): _ZERO_SIGN,
    (_LOSSES, _NO_GRAD_MAX, _NO_GRAD_MAX.replace("(0.0 * g,)", "(0.0 + g,)")): _SHIFT,
    (_LOSSES, _NO_GRAD_MAX, _NO_GRAD_MAX.replace("(0.0 * g,)", "(0.0 - g,)")): _SHIFT,
    (_LOSSES, _END_SLOPE, _END_SLOPE.replace("g * (p - t) * m.recip", "g / (p - t) * m.recip")): (
        "at p = 0 or 1 the slope is infinite, and g / (p - t) has the sign of g * (p - t)"
    ),
    (_LOSSES, _EXAMPLES, _EXAMPLES.replace('"ndim", 1)', '"ndim", 2)')): "any ndim but 0 counts alike",
    (_LOSSES, _PAIRS, _PAIRS.replace("len(pred) == 0", "len(pred) <= 0")): "a length is never negative",
    (_LOSSES, _EXAMPLES, _EXAMPLES.replace("!= 0", "> 0")): "an ndim is never negative",
    # nn/optim.py: one parameter group, checked to be one when loaded
    **{
        (_OPTIM, line, line.replace("[0]", "[ -1]")): "there is one parameter group: [-1] is [0]"
        for line in [
            "return self.param_groups[0][name]",
            "self.param_groups[0][name] = value",
            'settings = [f"    {key}: {self.param_groups[0][key]}" for key in sorted(self.defaults)]',
            "group = {key: self.param_groups[0][key] for key in self.defaults}",
            "self.param_groups[0].update(hyperparameters)",
            "group = self.param_groups[0]",
            'group = checks.keys(at, "a dict of hyper-parameters and params", groups[0], [*self.defaults, "params"])',
        ]
    },
    (_OPTIM, "if len(set(ids)) != len(ids):", "if len(set(ids)) < len(ids):"): "a set of the ids is never longer",
    (_OPTIM, _SCAN, _SCAN.replace("g is not None", "g != None")): "None is only equal to itself",
    (_OPTIM, _SCAN, _SCAN.replace("is not float", "!= float")): "== and `is` agree on classes",
    (_OPTIM, _SCAN, _SCAN.replace(" and ", " or ")): (
        "the scan only decides whether the checking loop runs, which gives floats and None back as they are"
    ),
    (_OPTIM, _CHECK, _CHECK.replace("is not float", "!= float")): "== and `is` agree on classes",
    (_OPTIM, _CHECKED, _CHECKED.replace("type(g) is float", "type(g) == float")): "== and `is` agree on classes",
    (_PLAN, _IN_PLACE, _IN_PLACE.replace("is slice", "== slice")): "== and `is` agree on classes",
    (_ARRAYS, _WHOLE_P, _WHOLE_P.replace("type(p) is float", "type(p) == float")): "== and `is` agree on classes",
    **{
        (_ARRAYS, _WHOLE_P, _WHOLE_P.replace("p >= 0.0", changed)): (
            "a shortcut only: for a whole p >= 0 that it leaves out, the general path gives the same powers"
        )
        for changed in ["p == 0.0", "p > 0.0", "p >= 1.0"]
    },
    (
        _OPTIM,
        "if first.setdefault(p, i) != i:  # stepped twice a step: wrong (PyTorch warns, and will refuse)",
        "if first.setdefault(p, i) is not i:  # stepped twice a step: wrong (PyTorch warns, and will refuse)",
    ): "setdefault gives back i itself when p is new, and an index of another value otherwise",
    (
        _OPTIM,
        "if first.setdefault(p, i) != i:  # stepped twice a step: wrong (PyTorch warns, and will refuse)",
        "if first.setdefault(p, i) < i:  # stepped twice a step: wrong (PyTorch warns, and will refuse)",
    ): "the first index of a parameter given again is always smaller",
    # compiled/plan.py
    (
        _PLAN,
        "return [v.parents[k] for k in range(len(group.nodes[0].parents)) for v in group.nodes]",
        "return [v.parents[k] for k in range(len(group.nodes[ -1].parents)) for v in group.nodes]",
    ): _SAME_ARITY,
    (_PLAN, "k = len(group.nodes[0].parents) // 2", "k = len(group.nodes[ -1].parents) // 2"): _SAME_ARITY,
    (_PLAN, "parents = group.nodes[0].parents", "parents = group.nodes[ -1].parents"): _SAME_ARITY,
    (_PLAN, _LEAVES, _LEAVES.replace("list(group.nodes[0]", "list(group.nodes[ -1]")): _SAME_ARITY,
    (_PLAN, _LEAVES, _LEAVES.replace("if group.shared_half", "if not group.shared_half")): _ORDER,
    (
        _PLAN,
        "plan.append((_as_slice(unique[chosen]), _as_slice(occurrences[0]) if m == 1 else occurrences))",
        "plan.append((_as_slice(unique[chosen]), _as_slice(occurrences[ -1]) if m == 1 else occurrences))",
    ): "for m == 1 the occurrences are one row: [-1] is [0]",
    (
        _PLAN,
        "if index.ndim == 1 and len(index) > 0 and np.all(np.diff(index) == 1):",
        "if index.ndim <= 1 and len(index) > 0 and np.all(np.diff(index) == 1):",
    ): "the indices given are never 0-d",
    # compiled/replay.py
    (_REPLAY, "grads[n_in + n_params :] = 0.0", "grads[n_in | n_params :] = 0.0"): (
        "a | b <= a + b: the rows zeroed then include parameter rows, zeroed just before anyway"
    ),
    (_REPLAY, "width = max(1, _BLOCK // size)", "width = max( 2, _BLOCK // size)"): (
        "the width of the blocks of columns only: any blocks give the same numbers"
    ),
    **{
        (_REPLAY, "grads[n_in + n_params :] = 0.0", f"grads[n_in {op} n_params :] = 0.0"): (
            f"a {op} b <= a + b: the rows zeroed then include parameter rows, zeroed just before anyway"
        )
        for op in ("^", ">>", "&")
    },
    (
        _REPLAY,
        "repeated = type(positions) is np.ndarray and positions.ndim == 2",
        "repeated = type(positions) == np.ndarray and positions.ndim == 2",
    ): "== and `is` agree on classes",
    (_PLAN, _NEEDS, _NEEDS.replace("(rows < constant_rows.start)", "(rows <= constant_rows.start)")): _CONSTANT_ROWS,
    (_PLAN, _NEEDS, _NEEDS.replace("(rows < constant_rows.start)", "(rows is not constant_rows.start)")): (
        _CONSTANT_ROWS
    ),
    (_PLAN, _NEEDS, _NEEDS.replace("(rows >= constant_rows.stop)", "(rows is not constant_rows.stop)")): (
        _CONSTANT_ROWS
    ),
    (_PLAN, _NEEDS, _NEEDS.replace(") | (", ") ^ (")): "the two conditions never hold together: | and ^ agree",
    (
        _PLAN,
        "shared = parents[k:, 0] if shared_half else parents[:k, 0]",
        "shared = parents[k:, 0] if shared_half else parents[:k, -1]",
    ): "a matmul group's nodes share that half: any node's rows are the same",
    (_PLAN, "if v._grad_fn is not ops.DOT:", "if v._grad_fn != ops.DOT:"): "an Op is equal only to itself",
    (_PLAN, "depth[v], uniform[v] = 0, v not in inputs", "depth[v], uniform[v] = -1, v not in inputs"): (
        "every depth one less: the same groups in the same order"
    ),
    (
        _PLAN,
        "d = depth[v] = 1 + max(depth[p] for p in v.parents)",
        "d = depth[v] = 2 + max(depth[p] for p in v.parents)",
    ): "every depth doubled: the same groups in the same order",
    (_PLAN, _PASSES, "for uniform_pass in []:"): _ORDER,
    (_PLAN, _PASSES, "for uniform_pass in (True, True):"): _ORDER,
    (_PLAN, _PASSES, "for uniform_pass in (False, False):"): _ORDER,
    **{
        (_PLAN, _PASS, after): _ORDER
        for after in [
            "if not group.uniform == uniform_pass:",
            "if group.uniform > uniform_pass:",
            "if group.uniform >= uniform_pass:",
            "if group.uniform is uniform_pass:",
            "if group.uniform is not uniform_pass:",
        ]
    },
    (_PLAN, "if group.shared_half is None:", "if group.shared_half is not None:"): _ORDER,
    (_PLAN, "if group.shared_half is None:", "if not group.shared_half is None:"): _ORDER,
    **{
        (_PLAN, "_parents_in_gradient_order", _GRADIENT_ORDER, _GRADIENT_ORDER.replace("// 2", op)): _ORDER
        for op in ["& 2", "^ 2", "<< 2", "* 2", "// 1", "| 2", "% 2", "** 2", ">> 2", "// 3", "+ 2", "- 2"]
    },
    (_PLAN, _AS_SLICE, _AS_SLICE.replace("index.ndim == 1", "index.ndim >= 1")): "the indices given are never 2-d",
    **{
        (_PLAN, _AS_SLICE, _AS_SLICE.replace("len(index) > 0", after)): "the indices given are never empty"
        for after in ["len(index) >= 0", "len(index) != 0", "len(index) > -1"]
    },
    (_PLAN, _ON_FLOATS, _ON_FLOATS.replace("- self.start == 1", "- self.start <= 1")): "a group has one node or more",
    (_PLAN, _ON_FLOATS, _ON_FLOATS.replace("self.stop - self.start", "self.stop ^ self.start")): (
        "some groups of one node run on numpy instead of floats: the same numbers (to numpy's last digit)"
    ),
    (
        _REPLAY,
        "stacked[:, 0] = group.op.derivative(ops.scalar, float(g[0, 0]), float(out[0, 0]), *floats)",
        "stacked[:, 0] = group.op.derivative(ops.scalar, float(g[0, -1]), float(out[0, 0]), *floats)",
    ): "g is one column here (summed over the batch): [0, -1] is [0, 0]",
    (_REPLAY, "width = max(1, _BLOCK // size)", "width = max(1, _BLOCK * size)"): (
        "the width of the blocks of columns only: any blocks give the same numbers"
    ),
    (
        _REPLAY,
        "repeated = type(positions) is np.ndarray and positions.ndim == 2",
        "repeated = type(positions) is np.ndarray and positions.ndim >= 2",
    ): "positions are 1-d or 2-d",
    **{
        (_REPLAY, _NARROW_ZERO, _NARROW_ZERO.replace("n_in + n_wide :", f"n_in {op} n_wide :")): (
            f"a {op} b <= a + b: column 0 of rows zeroed just before is zeroed again"
        )
        for op in ("&", "^", "|", ">>")
    },
    (_REPLAY, _NARROW_ZERO, _NARROW_ZERO.replace(": n_in + n_params, 0]", ": n_in << n_params, 0]")): (
        "column 0 of the rows past the parameters is zeroed too, as the next line zeroes them anyway"
    ),
    (_REPLAY, _FLOATS_STEP, _FLOATS_STEP.replace("out[0, 0]", "out[ -1, 0]")): "out is 1 by 1 here: [-1, 0] is [0, 0]",
    (_REPLAY, "width = max(1, _BLOCK // size)", "width = max(1, _BLOCK ** size)"): (
        "the width of the blocks of columns only: any blocks give the same numbers"
    ),
    (_REPLAY, "while hi - lo > 1:", "while hi - lo != 1:"): "hi - lo starts at 1 or more and never goes below 1",
    (_REPLAY, _FLOATS_STEP, _FLOATS_STEP.replace("g[0, 0]", "g[ -1, 0]")): "g is 1 by 1 here: [-1, 0] is [0, 0]",
    (_REPLAY, _FLOATS_STEP, _FLOATS_STEP.replace("out[0, 0]", "out[0, -1]")): "out is 1 by 1 here: [0, -1] is [0, 0]",
    (_REPLAY, _NARROW, _NARROW.replace("n_in + n_params, 0]", "n_in << n_params, 0]")): (
        "the rows past the parameters are left out by zip() with the parameters"
    ),
    (
        _REPLAY,
        "_scatter(grads[:, :1], group.weight_scatter, (g @ x.T).reshape(-1, 1))",
        "_scatter(grads[:, :1], group.weight_scatter, (g @ x.T).reshape(- 2, 1))",
    ): "numpy takes any negative size in reshape as the unknown one",
    (_REPLAY, "stacked[k * size : (k + 1) * size] = d", "stacked[k * size : (k + 2) * size] = d"): (
        "each input's block is written over by the next one's: the same blocks in the end"
    ),
    (_PLAN, _NEEDS, _NEEDS.replace("(rows < constant_rows.start)", "(rows != constant_rows.start)")): _CONSTANT_ROWS,
    (_PLAN, _NEEDS, _NEEDS.replace(") | (", ") + (")): "on bool arrays + is |: the same mask",
    (
        _PLAN,
        "shared = parents[k:, 0] if shared_half else parents[:k, 0]",
        "shared = parents[k:, -1] if shared_half else parents[:k, 0]",
    ): "a matmul group's nodes share that half: any node's rows are the same",
    (_PLAN, "_matmul_half", "return 1", "return 2"): "the half is only ever taken as true or false: 2 is true as 1 is",
    (_PLAN, "depth[v], uniform[v] = 0, v not in inputs", "depth[v], uniform[v] = 1, v not in inputs"): (
        "every depth one more: the same groups in the same order"
    ),
    **{(_PLAN, _PASS, _PASS.replace("==", op)): _ORDER for op in ["<", "<=", "!="]},
    (
        _PLAN,
        "weights = [p for v in group.nodes for p in (v.parents[:k] if group.shared_half else v.parents[k:])]",
        "weights = [p for v in group.nodes for p in (v.parents[:k] if not group.shared_half else v.parents[k:])]",
    ): _ORDER,
    (_PLAN, _LEAVES, _LEAVES.replace("else group.nodes[0]", "else group.nodes[ -1]")): _SAME_ARITY,
    **{
        (_PLAN, _ONE_ROW, _ONE_ROW.replace("if m == 1", after)): (
            "m is never below 1: positions of shape (1, k) summed over their one row are the same numbers"
        )
        for after in ["if m < 1", "if m <= 1", "if m == 0"]
    },
    (_PLAN, _AS_SLICE, _AS_SLICE.replace("len(index) > 0", "len(index) > 1")): (
        "one index as an array instead of a slice: the same row"
    ),
    (_REPLAY, "grads[: n_in + n_wide] = 0.0", "grads[: n_in << n_wide] = 0.0"): (
        "zeroes some parameter rows whole, whose column 0 is zeroed next and whose other columns nothing reads"
    ),
    (
        _REPLAY,
        _FLOATS_STEP,
        _FLOATS_STEP.replace("stacked[:, 0]", "stacked[:, -1]"),
    ): "a group on floats has one column: [:, -1] is [:, 0]",
    (
        _REPLAY,
        "_scatter(grads[:, :1], group.weight_scatter, (g @ x.T).reshape(-1, 1))",
        "_scatter(grads[:, :1], group.weight_scatter, (g @ x.T).reshape(~1, 1))",
    ): "~1 is -2, and numpy takes any negative size in reshape as the unknown one",
    # tangents.py
    (
        _TANGENTS,
        "if type(x) is Dual and x.tag > tag:",
        "if type(x) == Dual and x.tag > tag:",
    ): "== and `is` agree on classes",
    (
        _TANGENTS,
        "if type(x) is Dual and x.tag == tag:",
        "if type(x) == Dual and x.tag == tag:",
    ): "== and `is` agree on classes",
    (_TANGENTS, _PRIMAL, "if type(x) == float or type(x) is Dual:"): "== and `is` agree on classes",
    (_TANGENTS, _PRIMAL, "if type(x) is float or type(x) == Dual:"): "== and `is` agree on classes",
    # compiled/graph.py
    (
        _GRAPH,
        "if self._workspace is None or self._workspace.values.shape[1] != batch:",
        "if self._workspace is None or self._workspace.values.shape[1] is not batch:",
    ): "at worst a new workspace for a call: the same numbers",
    (
        _GRAPH,
        "value = next((v for v in x.flat if isinstance(v, Value)), None) if x.dtype == object else None",
        "value = next((v for v in x.flat if isinstance(v, Value)), None) if x.dtype <= object else None",
    ): "then arrays of numbers are searched for Values too, and hold none",
    (
        _GRAPH,
        "if x.ndim != 2 or x.shape[1] != self.n_inputs or x.shape[0] == 0:",
        "if x.ndim != 2 or x.shape[1] != self.n_inputs or x.shape[0] <= 0:",
    ): "a length is never negative",
    (
        _GRAPH,
        "self._ready = False  # a batch has gone forward: backward() may run",
        "self._ready = True  # a batch has gone forward: backward() may run",
    ): "before the first call the workspace is None, and backward() refuses on that alone",
    **{
        (
            _GRAPH,
            "value = next((v for v in x.flat if isinstance(v, Value)), None) if x.dtype == object else None",
            f"value = next((v for v in x.flat if isinstance(v, Value)), None) if x.dtype {op} object else None",
        ): "only an object array passes this test too, or every array is searched, and one of numbers holds no Value"
        for op in (">=", "is not")
    },
    (_GRAPH, "x = x.astype(float, copy=False)", "x = x.astype(float, copy=True)"): "a copy of the same numbers",
    (
        _GRAPH,
        "return np.asarray(out[0] if self._single_output else out.T)",
        "return np.asarray(out[ -1] if self._single_output else out.T)",
    ): "one output: one row, [-1] is [0]",
    (
        _GRAPH,
        'replay.backward(self._plan, work, 1.0 if reduction == "sum" else 1.0 / work.values.shape[1])',
        'replay.backward(self._plan, work, 1.0 if reduction >= "sum" else 1.0 / work.values.shape[1])',
    ): "the reduction is 'sum' or 'mean' here, and only 'sum' is >= 'sum'",
    # worlds
    (
        _ARRAYS,
        "if np.any(bad := np.equal(x, 0.0) & np.less(p, 0.0)):",
        "if np.any(bad := np.equal(x, 0.0) * np.less(p, 0.0)):",
    ): _BOOLS,
    (
        _FLOATS,
        "return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0 * x)",
        "return 1.0 if x > 0 else (-1.0 if x < 0 else 1.0 * x)",
    ): "x is a zero or nan here: 1.0 * x and 0.0 * x are the same",
    (
        _FLOATS,
        "return -math.inf if x == 0 else math.log(x)  # nan stays nan",
        "return -math.inf if x <= 0 else math.log(x)  # nan stays nan",
    ): "a negative x has raised above",
    **{
        (_FLOATS, "if x >= 0:", after): (
            "up to rounding only: both branches compute sigmoid, accurately on either side of the switch"
        )
        for after in ("if x >= -1:", "if x >= 1:")
    },
    (_FLOATS, "if x >= 0:", "if x > 0:"): "at x = 0 both branches give 1 / 2",
    (_PLAN, "_leaves_by_first_use", "for group in groups:", "for group in []:"): _ORDER,
    (_FLOATS, "return -math.inf if x == -1 else math.log1p(x)", "return -math.inf if x <= -1 else math.log1p(x)"): (
        "an x below -1 has raised above"
    ),
}
