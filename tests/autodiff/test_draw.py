"""The graph picture: DOT structure, labels, kinds, clusters, gradient shades, rendering, errors."""

import collections
import re
import shutil

import graphviz
import pytest
import torch

import autodiff
from autodiff import DotNotFoundError, Value, draw, draw_dot, draw_style, save_graph, topological_order

NODE = re.compile(r"^\t*(\S+) \[(.*)\]$")
EDGE = re.compile(r"^\t*(\S+) -> (\S+)$")
SUBGRAPH = re.compile(r'^\t*subgraph "?([^"]*)"? \{$')
LABEL = re.compile(r'label=(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def parse(source):
    """Nodes (name -> attribute text), edges in order, and the clusters each node sits in."""
    nodes, edges, where, stack = {}, [], {}, []
    for line in source.splitlines():
        if m := SUBGRAPH.match(line):
            stack.append(m.group(1))
        elif line.strip() == "}":
            if stack:
                stack.pop()
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
        elif (m := NODE.match(line)) and m.group(1) not in ("graph", "node", "edge"):
            nodes[m.group(1)] = m.group(2)
            where[m.group(1)] = tuple(stack)
    return nodes, edges, where


def label_of(attrs):
    m = LABEL.search(attrs)
    return m.group(1) if m.group(1) is not None else m.group(2)


def is_record(attrs):
    return re.search(r"shape=M?record\b", attrs) is not None


def name_everything(root):
    """A unique label on every Value, so the test can find each one's record node."""
    for i, v in enumerate(topological_order(root)):
        v.label = v.label or f"n{i}"


def records_by_label(nodes):
    out = {}
    for name, attrs in nodes.items():
        if is_record(attrs):
            first = label_of(attrs).strip("{}").split(" | ")[0]
            assert first not in out, f"two record nodes for {first}"
            out[first] = name
    return out


def shared_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    return (a * b + b**2).tanh()


def same_operand_twice():
    a = Value(1.5, label="a")
    return a + a


def diamond():
    x, y = Value(0.7, label="x"), Value(-1.2, label="y")
    d = x * y
    e = d + d.exp()
    return e * d - 2.0


def many_ops():
    x, y, z = Value(0.3, label="x"), Value(1.7, label="y"), Value(-0.4, label="z")
    s = autodiff.sum([x.sin(), y.cos(), z.abs(), -x, x.sigmoid(), z.relu()])
    t = autodiff.dot([x, y, z], [y.log(), 2.0, z.tanh()])
    return (s / t + y**x - 1.0) ** 3


GRAPHS = [shared_graph, same_operand_twice, diamond, many_ops]


@pytest.mark.parametrize("make", GRAPHS)
def test_one_record_per_value_and_one_op_node_per_op(make):
    root = make()
    root.backward()
    name_everything(root)
    order = topological_order(root)
    nodes, edges, _ = parse(draw_dot(root, legend=False).source)
    records = records_by_label(nodes)
    assert len(records) == len(order)
    assert set(records) == {v.label for v in order}
    op_nodes = [n for n, attrs in nodes.items() if not is_record(attrs)]
    assert len(op_nodes) == sum(1 for v in order if v.parents)
    assert len(nodes) == len(order) + len(op_nodes)

    into = collections.defaultdict(list)
    for tail, head in edges:
        into[head].append(tail)
    for v in order:
        if not v.parents:
            assert into[records[v.label]] == []
            continue
        (op,) = into[records[v.label]]
        assert label_of(nodes[op]) == v.op
        # The op's operands, in order, with a repeated operand drawn once per use.
        assert into[op] == [records[p.label] for p in v.parents]
    assert len(edges) == sum(len(v.parents) + 1 for v in order if v.parents)


def test_shared_operand_has_one_node_with_an_edge_per_use():
    root = shared_graph()
    name_everything(root)
    nodes, edges, _ = parse(draw_dot(root, legend=False).source)
    b = records_by_label(nodes)["b"]
    assert sum(1 for tail, _ in edges if tail == b) == 2  # into * and into **2


@pytest.mark.parametrize("make", GRAPHS)
def test_labels_carry_data_and_grad(make):
    root = make()
    root.backward()
    name_everything(root)
    nodes, _, _ = parse(draw_dot(root).source)
    records = records_by_label(nodes)
    for v in topological_order(root):
        label = label_of(nodes[records[v.label]])
        data, grad = shown_in_repr(v)
        assert f"data {data}" in label
        if v.requires_grad:
            assert f"grad {grad}" in label
        else:
            assert "grad" not in label  # a constant's gradient is never asked for


def shown_in_repr(v):
    """The data and grad as repr(v) shows them: the picture shows them the same way."""
    m = re.fullmatch(r"Value\(data=(\S+), grad=([^,)]+)(, label=.*)?\)", repr(v))
    return m.group(1), m.group(2)


def test_labels_show_tiny_and_huge_numbers_as_repr_does():
    x, h = Value(12.0, label="x"), Value(2.5e6, label="h")
    y = x.sigmoid() + h
    y.label = "y"
    y.backward()
    tx = torch.tensor(12.0, dtype=torch.float64, requires_grad=True)
    tx.sigmoid().backward()
    nodes, _, _ = parse(draw_dot(y).source)
    labels = {name: label_of(nodes[node]) for name, node in records_by_label(nodes).items()}
    assert f"grad {tx.grad.item():.4e}" in labels["x"] and 0 < x.grad < 1e-4  # not "grad 0.0000"
    assert f"data {h.data:.4e}" in labels["h"] and f"data {y.data:.4e}" in labels["y"]
    for v in (x, h, y):
        data, grad = shown_in_repr(v)
        assert f"data {data} | grad {grad}" in labels[v.label]


def test_op_labels_are_the_op_table_names():
    x = Value(2.0, label="x")
    root = autodiff.sum([x**2, x**3.5, x**x, -x, x.exp(), x.log(), x / 3.0])
    names = {v.op for v in topological_order(root) if v.parents}
    assert names == {"sum", "**2", "**3.5", "**", "neg", "exp", "log", "/"}
    nodes, _, _ = parse(draw_dot(root).source)
    shown = {label_of(a) for n, a in nodes.items() if not is_record(a) and not n.startswith("legend")}
    assert shown == names


def test_the_new_ops_are_named_in_the_picture_with_their_parameters():
    x, y = Value(0.6, label="x"), Value(-1.5, label="y")
    terms = [x.tan(), autodiff.atan2(y, x), x % y, x // y, autodiff.maximum(x, y), x.clamp(0.0, 0.5)]
    terms += [x.clamp(max=1.0), x.gelu("tanh"), y.leaky_relu(0.2), y.elu(), x.softplus(beta=2.0), x.round()]
    root = autodiff.sum(terms)
    want = {"sum", "tan", "atan2", "%", "//", "maximum", "clamp(min=0, max=0.5)", "clamp(max=1)", "gelu(tanh)"}
    want |= {"leaky_relu(negative_slope=0.2)", "elu", "softplus(beta=2)", "round"}
    nodes, _, _ = parse(draw_dot(root).source)
    shown = {label_of(a) for n, a in nodes.items() if not is_record(a) and not n.startswith("legend")}
    assert shown == want


def test_grad_that_is_a_value_shows_its_data():
    x = Value(1.3, label="x")
    y = x**3
    y.label = "y"
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    nodes, _, _ = parse(draw_dot(y).source)
    assert f"grad {shown_in_repr(x.grad)[0]}" in label_of(nodes[records_by_label(nodes)["x"]])


def test_labels_escape_record_syntax():
    x = Value(1.0, label="{a|b}<c>")
    nodes, _, _ = parse(draw_dot(x * 2).source)
    assert r"\{a\|b\}\<c\>" in "".join(nodes.values())


def test_kinds_of_leaf_by_shape_and_legend():
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    one = autodiff.constant(1.0)
    one.label = "one"
    root = w * x + one
    nodes, _, _ = parse(draw_dot(root, params=[w]).source)
    records = records_by_label(nodes)
    parameter, data_input, const = (nodes[records[k]] for k in ("w", "x", "one"))
    assert "penwidth" in parameter and "shape=record" in parameter
    assert "shape=Mrecord" in data_input
    assert "dashed" in const
    assert {"legend_parameter", "legend_input", "legend_constant", "legend_computed"} <= set(nodes)
    assert "legend_leaf" not in nodes

    nodes, _, _ = parse(draw_dot(root).source)  # no params=: every leaf needing grad is a "leaf"
    assert "legend_leaf" in nodes and "gets a gradient" in label_of(nodes["legend_leaf"])
    words = [label_of(a) for n, a in nodes.items() if n.startswith("legend_")]
    assert not any("=" in w for w in words)  # plain words, no keyword syntax
    assert "legend_parameter" not in nodes and "legend_input" not in nodes

    nodes, _, _ = parse(draw_dot(root, legend=False).source)
    assert not any(n.startswith("legend") for n in nodes)


def hand_mlp():
    """Two inputs, a layer of three relu neurons, one linear output, labelled as nn labels them."""
    xs = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    params, outs = [], []
    for n, (w0, w1, b) in enumerate([(0.3, 0.6, 0.1), (-0.3, -0.6, 0.1), (0.5, -0.2, -0.4)]):
        ws = [Value(w, label=f"L0.N{n}.w{i}") for i, w in enumerate((w0, w1))]
        bias = Value(b, label=f"L0.N{n}.b")
        z = autodiff.dot(ws, xs) + bias  # the dot's own result is unlabelled
        z.label = f"L0.N{n}.z"
        out = z.relu()
        out.label = f"L0.N{n}.relu"
        params += [*ws, bias]
        outs.append(out)
    ws = [Value(0.5, label=f"L1.N0.w{i}") for i in range(3)]
    bias = Value(0.0, label="L1.N0.b")
    params += [*ws, bias]
    z = autodiff.dot(ws, outs) + bias
    z.label = "L1.N0.z"
    loss = (z - 1.0) ** 2
    loss.label = "loss"
    return loss, params, xs


def test_clusters_nest_layer_then_neuron():
    loss, params, xs = hand_mlp()
    loss.backward()
    order = topological_order(loss)
    name = {v: f"v{i}" for i, v in enumerate(order)}  # draw_dot's documented node names
    nodes, _, where = parse(draw_dot(loss, params=params, clusters=True).source)
    assert all(is_record(nodes[name[v]]) for v in order)
    for v in order:
        if "." in v.label:
            layer_neuron = v.label.rpartition(".")[0]
            assert where[name[v]] == (f"cluster_{layer_neuron.split('.')[0]}", f"cluster_{layer_neuron}")
            assert label_of(nodes[name[v]]).startswith("{" + v.label.rpartition(".")[2] + " |")
    for v in [*xs, loss]:
        assert where[name[v]] == ()
    # A neuron's unlabelled weighted sum, and its op node, stay inside the neuron's cluster.
    sums = [v for v in order if v.op == "dot"]
    assert len(sums) == 4
    for v in sums:
        (user,) = [u for u in order if v in u.parents]
        assert where[name[v]] == where[name[v] + "_op"] == where[name[user]] != ()
    clusters = {c for path in where.values() for c in path}
    assert clusters == {"cluster_L0", "cluster_L1", "cluster_L1.N0", "cluster_legend"} | {
        f"cluster_L0.N{n}" for n in range(3)
    }
    assert 'label="L0.N2"' in draw_dot(loss, clusters=True).source


def test_clusters_for_a_real_mlp():
    import nn

    nn.manual_seed(0)
    model = nn.MLP(2, [3, 2, 1], activation="tanh")
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    order = topological_order(loss)
    name = {v: f"v{i}" for i, v in enumerate(order)}
    _, _, where = parse(draw_dot(loss, params=model.parameters(), clusters=True).source)
    for p in model.parameters():
        layer, neuron, _ = p.label.split(".")
        assert where[name[p]] == (f"cluster_{layer}", f"cluster_{layer}.{neuron}")
    clusters = {c for path in where.values() for c in path} - {"cluster_legend"}
    expected_neurons = {f"cluster_L{i}.N{j}" for i, n in enumerate([3, 2, 1]) for j in range(n)}
    assert clusters == {"cluster_L0", "cluster_L1", "cluster_L2"} | expected_neurons


def test_no_clusters_unless_asked():
    loss, params, _ = hand_mlp()
    source = draw_dot(loss, params=params, legend=False).source
    assert "subgraph" not in source
    assert "L0.N1.w0" in source  # full labels when not clustered


def test_color_by_grad_shades_by_decade_and_marks_dead_nodes():
    w = [Value(1.0, label=f"w{i}") for i in range(4)]
    dead = Value(-1.0, label="dead")
    root = autodiff.dot(w, [1.0, 1e-3, 1e-9, 0.0]) + dead.relu()
    root.label = "root"
    root.backward()
    assert w[3].grad == 0.0 and dead.grad == 0.0
    name_everything(root)
    nodes, _, _ = parse(draw_dot(root, color_by_grad=True).source)
    records = records_by_label(nodes)
    top = draw_style.GRAD_LEVELS - 1
    assert f'fillcolor="{draw_style._shade(top)}"' in nodes[records["w0"]]  # |grad| = the largest
    assert f'fillcolor="{draw_style._shade(top - 3)}"' in nodes[records["w1"]]  # 1e-3 of it
    assert f'fillcolor="{draw_style._shade(0)}"' in nodes[records["w2"]]  # 1e-9: the palest shade
    for name in ("w3", "dead"):
        attrs = nodes[records[name]]
        assert f'fillcolor="{draw_style.DEAD["fillcolor"]}"' in attrs and f'color="{draw_style.DEAD["color"]}"' in attrs
    assert (
        len({draw_style._shade(level) for level in range(draw_style.GRAD_LEVELS)} | {draw_style.DEAD["fillcolor"]})
        == 10
    )
    assert "legend_grad" in nodes and "dead" in nodes["legend_grad"]


def test_size_limit_names_the_count_and_the_options():
    x = Value(0.5, label="x")
    y = x
    for _ in range(1500):
        y = y * 1.0001
    count = len(topological_order(y)) + 1500
    with pytest.raises(ValueError) as error:
        draw_dot(y)
    message = str(error.value)
    for part in (str(count), "max_nodes=2000", f"max_nodes={count}", "clusters=True"):
        assert part in message
    assert draw_dot(y, max_nodes=count, legend=False).source.count("_op [") == 1500
    with pytest.raises(ValueError, match=str(count)):
        draw_dot(y, max_nodes=count - 1)


def test_long_chain_needs_no_recursion():
    y = Value(0.1)
    for _ in range(5_000):
        y = y + 1.0
    assert draw_dot(y, max_nodes=10**6, legend=False).source.count("->") == 3 * 5_000


def test_bad_arguments():
    with pytest.raises(TypeError, match="draw_dot.*float"):
        draw_dot(1.0)
    with pytest.raises(ValueError, match="rankdir.*'XY'"):
        draw_dot(Value(1.0), rankdir="XY")
    with pytest.raises(ValueError, match=r"save_graph.*'\.jpg'.*\.dot, \.pdf, \.png, \.svg"):
        save_graph(Value(1.0), "graph.jpg")


def test_returns_a_digraph_that_shows_inline_as_svg():
    graph = draw_dot(shared_graph(), rankdir="TB")
    assert isinstance(graph, graphviz.Digraph)
    assert graph.format == "svg" and "rankdir=TB" in graph.source
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]


PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".svg", lambda data: data.lstrip().startswith(b"<?xml") and b"<svg" in data and b"</svg>" in data),
        (".png", lambda data: data.startswith(PNG) and data[12:16] == b"IHDR" and data.endswith(b"IEND\xaeB`\x82")),
        (".pdf", lambda data: data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]),
        (".dot", lambda data: data.startswith(b"digraph {") and data.rstrip().endswith(b"}")),
    ],
)
def test_save_graph_really_renders(tmp_path, suffix, check):
    loss, params, _ = hand_mlp()
    loss.backward()
    out = save_graph(loss, tmp_path / f"graph{suffix}", params=params, clusters=True, color_by_grad=True)
    assert out == tmp_path / f"graph{suffix}"
    assert check(out.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no stray source file beside it


def test_save_graph_suffix_is_case_insensitive(tmp_path):
    out = save_graph(shared_graph(), tmp_path / "graph.SVG")
    assert b"<svg" in out.read_bytes()


def test_missing_dot_program(monkeypatch, tmp_path):
    root = shared_graph()
    monkeypatch.setenv("PATH", "")
    assert shutil.which("dot") is None
    graph = draw_dot(root)
    assert "digraph" in graph.source
    assert save_graph(root, tmp_path / "graph.dot").read_text() == graph.source
    for render in (
        graph.pipe,
        lambda: graph.render(tmp_path / "g"),
        graph._repr_mimebundle_,
        lambda: save_graph(root, tmp_path / "graph.png"),
    ):
        with pytest.raises(DotNotFoundError) as error:
            render()
        assert "`dot`" in str(error.value) and "apt-get install graphviz" in str(error.value)
        assert "brew install graphviz" in str(error.value)
        assert isinstance(error.value, graphviz.ExecutableNotFound)  # graphviz's own handlers catch it too


def test_missing_dot_found_only_when_running_it(monkeypatch):
    # `which` may be fooled (a stale PATH entry); graphviz's own error is translated too.
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(draw.shutil, "which", lambda program: f"/nowhere/{program}")
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz") as error:
        draw_dot(shared_graph()).pipe()
    assert isinstance(error.value.__cause__, graphviz.ExecutableNotFound)


def test_bad_options_raise_at_once_naming_the_function(tmp_path):
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match=r"^draw_dot: format must be a str .*got int \(3\)"):
        draw_dot(x * 2, format=3)
    with pytest.raises(ValueError, match=r"^draw_dot: unknown format 'svgz2'"):
        draw_dot(x * 2, format="svgz2")
    with pytest.raises(TypeError, match=r"^draw_dot: max_nodes must be an int, got float \(nan\)"):
        draw_dot(x * 2, max_nodes=float("nan"))
    with pytest.raises(TypeError, match=r"^draw_dot: rankdir must be a str, .*got int \(3\)"):
        draw_dot(x * 2, rankdir=3)
    with pytest.raises(TypeError, match=r"^draw_dot: max_nodes must be an int, got bool"):
        draw_dot(x * 2, max_nodes=True)
    with pytest.raises(ValueError, match=r"^draw_dot: max_nodes must be at least 1, got 0"):
        draw_dot(x * 2, max_nodes=0)
    with pytest.raises(TypeError, match=r"^save_graph: path must be a str or a path, got NoneType"):
        autodiff.save_graph(x * 2, None)
    assert autodiff.save_graph(x * 2, str(tmp_path / "g.dot")).exists()


def test_unlabelled_values_get_the_names_of_the_captions():
    x = Value(0.5, label="x")
    root = (x * 2.0 + x.exp()).tanh()
    nodes, _, _ = parse(draw_dot(root, legend=False).source)
    firsts = {label_of(a).strip("{}").split(" | ")[0] for a in nodes.values() if is_record(a)}
    names = set(autodiff.trace.node_names(root).values())
    assert firsts == names == {"x", "n1", "n2", "n3", "n4", "n5"}
    captions = " ".join(str(step) for step in autodiff.trace_backward(root))
    assert set(re.findall(r"\b(n\d+|x)\.(?:grad|data)", captions)) <= names


def test_picture_repr_says_what_and_how():
    x = Value(1.0, label="x")
    y = x * 2
    y.label = "y"
    text = repr(draw_dot(y))
    assert text.startswith("<Picture: the graph of y, 3 Values and 1 op (svg).") and "save_graph" in text
